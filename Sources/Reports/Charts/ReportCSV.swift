import EinsimCore

/// Reads einsim's CSV (`simulate|compare --format csv`, `sweep --format csv` and its `--output`
/// files) into report rows: totals and swept values only (CSV has no breakdowns, no fused groups
/// and no roofs, so those charts say so).
enum ReportCSV {
    static func rows(_ text: String, file: String) throws -> [ReportRow] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { (number: $0.offset + 1, text: $0.element) }
        lines.removeAll { $0.text.allSatisfy { $0 == " " || $0 == "\r" || $0 == "\t" } || $0.text.hasPrefix("#") }
        guard let headerLine = lines.first else {
            throw SimpleInputError("no CSV header", at: SourceLocation(file: file, line: 1, column: 1), suggestion: "give a file einsim wrote with --format csv")
        }
        let header = try fields(headerLine.text, file: file, line: headerLine.number)
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw SimpleInputError("the CSV header has no \"\(name)\" column", at: SourceLocation(file: file, line: headerLine.number, column: 1),
                                       suggestion: "give a file einsim wrote with --format csv")
            }
            return i
        }
        let hardware = try column("hardware"), variant = try column("variant"), kernel = try column("kernel")
        let latency = try column("latency_s"), energy = try column("energy_j"), flops = try column("flops"), dram = try column("dram_bytes")
        let point = header.firstIndex(of: "point")
        let configuration = header.firstIndex(of: "configuration")
        // Swept parameters: the columns before `hardware` (after `point` and any configuration).
        let sweptStart = point.map { $0 + 1 } ?? 0
        let swept = Array(sweptStart..<hardware).filter { $0 != configuration }
        var rows: [ReportRow] = []
        // Without a point column (a sweep on standard output) a point starts where the swept values change.
        var implicitPoint = -1, lastValues: [String]?
        for line in lines.dropFirst() {
            let cells = try fields(line.text, file: file, line: line.number)
            guard cells.count == header.count else {
                throw SimpleInputError("\(cells.count) fields where the header has \(header.count)", at: SourceLocation(file: file, line: line.number, column: 1),
                                       suggestion: "the row is cut or has an unquoted comma")
            }
            func number(_ i: Int) throws -> Double {
                guard let v = Double(cells[i]), v.isFinite, v >= 0 else {
                    throw SimpleInputError("\"\(header[i])\" is not a non-negative number ('\(cells[i].prefix(40))')", at: SourceLocation(file: file, line: line.number, column: 1))
                }
                return v
            }
            let sweep = swept.map { i in ReportRow.SweptValue(name: header[i], number: Double(cells[i]), text: cells[i]) }
            let values = swept.map { cells[$0] }
            if values != lastValues { implicitPoint += 1; lastValues = values }
            rows.append(ReportRow(file: file, line: line.number, hardware: cells[hardware], variant: cells[variant], kernel: cells[kernel],
                                  configuration: configuration.map { cells[$0] }, latency: try number(latency), energy: try number(energy),
                                  flops: try number(flops), dramBytes: try number(dram), staticEnergy: 0, groups: [], einsums: [], energyParts: [],
                                  bytesPerLevel: [], resourceSeconds: [], peakFLOPS: 0, bandwidths: [],
                                  point: swept.isEmpty ? nil : point.flatMap { Int(cells[$0]) } ?? implicitPoint, sweep: sweep))
        }
        guard !rows.isEmpty else {
            throw SimpleInputError("no results in the file", at: SourceLocation(file: file, line: headerLine.number, column: 1),
                                   suggestion: "run the simulation or sweep first")
        }
        return rows
    }

    /// The fields of one CSV line (RFC 4180 quotes: `"a ""b"", c"`).
    static func fields<S: StringProtocol>(_ line: S, file: String, line number: Int) throws -> [String] {
        var out: [String] = [], field = "", quoted = false, wasQuoted = false
        var chars = Array(line.hasSuffix("\r") ? line.dropLast() : line[...])[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if c == "," {
                out.append(field); field = ""; wasQuoted = false
            } else {
                field.append(c)
            }
        }
        guard !quoted else {
            throw SimpleInputError("a quoted field does not end", at: SourceLocation(file: file, line: number, column: 1), suggestion: "the row is cut")
        }
        out.append(field)
        return out
    }
}
