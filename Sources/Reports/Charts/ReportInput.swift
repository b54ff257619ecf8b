import EinsimCore

/// One result row of a report's input, with what the charts draw from it.
public struct ReportRow: Sendable, Hashable {
    /// A named amount (an Einsum's seconds, a unit's joules, a level's bytes).
    public struct Part: Sendable, Hashable {
        public var name: String
        public var value: Double
    }

    /// A fused group (a GPU kernel, a spatial array's group of Einsums).
    public struct Group: Sendable, Hashable {
        public var name: String
        public var seconds: Double
        public var dramBytes: Double
        /// Matrix FLOPs the group executes (0 when the input does not say).
        public var flops: Double
    }

    /// A swept parameter's value at this row's point (a number in SI base units, or text).
    public struct SweptValue: Sendable, Hashable {
        public var name: String
        public var number: Double?
        public var text: String
    }

    /// Where the row was read (file and 1-based line of its object or CSV row).
    public var file: String
    public var line: Int
    /// The contract's `hardware`, `variant`, `kernel` and (studies) `configuration`.
    public var hardware: String
    public var variant: String
    public var kernel: String
    public var configuration: String?
    /// Seconds, joules (board energy), useful FLOPs and DRAM bytes of the whole result.
    public var latency: Double
    public var energy: Double
    public var flops: Double
    public var dramBytes: Double
    /// Idle power × latency, joules (0 when not given).
    public var staticEnergy: Double
    /// The fused groups (JSON `kernels`).
    public var groups: [Group]
    /// Seconds per Einsum, with the unit each ran on (empty where the engine fused them into kernels).
    public var einsums: [EinsumPart]
    /// Dynamic energy per unit and memory level (the profile's names), in the file's order.
    public var energyParts: [Part]
    /// Bytes moved at each storage level.
    public var bytesPerLevel: [Part]
    /// Seconds each resource (unit, memory level, launch) alone would take.
    public var resourceSeconds: [Part]
    /// The machine's peak matrix FLOP/s (0 when not given) and each storage level's bandwidth.
    public var peakFLOPS: Double
    public var bandwidths: [Part]
    /// The sweep point (nil outside sweeps) and the swept values.
    public var point: Int?
    public var sweep: [SweptValue]

    /// One Einsum's time on its unit.
    public struct EinsumPart: Sendable, Hashable {
        public var name: String
        public var unit: String
        public var seconds: Double
    }

    /// `hardware · variant · kernel` plus the configuration, and the swept values when there are any.
    public var label: String {
        var parts = [hardware, variant, kernel]
        if let configuration { parts.insert(configuration, at: 0) }
        var text = parts.joined(separator: " · ")
        if !sweep.isEmpty { text += " · " + sweep.map { "\($0.name)=\($0.text)" }.joined(separator: " ") }
        return text
    }
}

/// Reads the results a report draws: `einsim simulate|compare|sweep --format json` (`{"results": […]}`),
/// `einsim sweep --format jsonl` (one object per line, a `{"einsim_sweep": …}` first line allowed),
/// and sweep `--output` files in either.
public enum ReportInput {
    /// The rows of `text` (the contents of `file`); errors name file:line.
    public static func rows(_ text: String, file: String) throws -> [ReportRow] {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = trimmed.first else {
            throw SimpleInputError("the file is empty", at: SourceLocation(file: file, line: 1, column: 1),
                                   suggestion: "give the output of einsim simulate|compare|sweep --format json (or sweep --format jsonl)")
        }
        let firstLine = trimmed.prefix { $0 != "\n" }
        if first != "{", first != "[", trimmed.hasPrefix("# einsim-sweep") || (firstLine.contains("hardware,") && firstLine.contains("latency_s")) {
            return try ReportCSV.rows(text, file: file)
        }
        guard first == "{" || first == "[" else {
            throw SimpleInputError("not JSON (a report reads JSON or JSONL results, or einsim's CSV)", at: SourceLocation(file: file, line: 1, column: 1),
                                   suggestion: "write the results with --format json (simulate, compare, sweep) or --format jsonl (sweep)")
        }
        var objects: [LocatedJSON] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let filled = lines.filter { $0.contains { $0 != " " && $0 != "\t" && $0 != "\r" } }
        // JSON lines when the first non-blank line is a whole document and more lines follow.
        let jsonLines = filled.count > 1 && filled.first.map { (try? LocatedJSON.parse(String($0), file: file)) != nil } == true
        if !jsonLines {
            let whole = try LocatedJSON.parse(text, file: file)
            if let results = whole["results"] {
                guard let items = results.array else {
                    throw SimpleInputError("\"results\" is not an array", at: SourceLocation(file: file, line: results.line, column: 1))
                }
                objects = items
            } else if let items = whole.array {
                objects = items
            } else {
                objects = [whole]
            }
        } else {
            for (n, line) in lines.enumerated() {
                guard line.contains(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { continue }
                objects.append(try LocatedJSON.parse(String(line), file: file, firstLine: n + 1))
            }
        }
        objects.removeAll { $0["einsim_sweep"] != nil }
        guard !objects.isEmpty else {
            throw SimpleInputError("no results in the file", at: SourceLocation(file: file, line: 1, column: 1),
                                   suggestion: "run the simulation or sweep first; its JSON has at least one result")
        }
        return try objects.map { try row($0, file: file) }
    }

    /// The fields of one result object, with errors located at its line. (Plain methods rather
    /// than local functions: Swift 6.3's optimizer crashed on the closure form in release builds.)
    struct Fields {
        let o: LocatedJSON
        let at: SourceLocation

        func missing(_ key: String, _ kind: String) -> SimpleInputError {
            let found = o[key] == nil ? "is missing" : "is not \(kind)"
            return SimpleInputError("the result's \"\(key)\" \(found)", at: at,
                                    suggestion: "reports read the JSON that einsim simulate|compare|sweep write (with hardware, variant, kernel, latency_s, energy_j, …)")
        }
        func text(_ key: String) throws -> String {
            guard let v = o[key]?.string else { throw missing(key, "a string") }
            return v
        }
        func number(_ key: String) throws -> Double {
            guard let v = o[key]?.number else { throw missing(key, "a number") }
            guard v >= 0 else { throw SimpleInputError("\"\(key)\" is negative (\(v))", at: at) }
            return v
        }
        func parts(_ key: String) -> [ReportRow.Part] {
            var out: [ReportRow.Part] = []
            for m in o[key]?.members ?? [] {
                if let v = m.value.number, v.isFinite, v >= 0 { out.append(ReportRow.Part(name: m.key, value: v)) }
            }
            return out
        }
        func groups() -> [ReportRow.Group] {
            var out: [ReportRow.Group] = []
            for k in o["kernels"]?.array ?? [] {
                guard let name = k["name"]?.string, let s = k["seconds"]?.number else { continue }
                out.append(ReportRow.Group(name: name, seconds: s, dramBytes: k["dram_bytes"]?.number ?? 0, flops: k["flops"]?.number ?? 0))
            }
            return out
        }
        func einsums() -> [ReportRow.EinsumPart] {
            var out: [ReportRow.EinsumPart] = []
            for e in o["einsums"]?.array ?? [] {
                guard let name = e["name"]?.string, let s = e["seconds"]?.number, s >= 0 else { continue }
                out.append(ReportRow.EinsumPart(name: name, unit: e["unit"]?.string ?? "", seconds: s))
            }
            return out
        }
        func sweep() -> [ReportRow.SweptValue] {
            var out: [ReportRow.SweptValue] = []
            for m in o["sweep"]?.members ?? [] {
                let text = m.value.string ?? m.value.number.map(ChartNumber.plain) ?? "?"
                out.append(ReportRow.SweptValue(name: m.key, number: m.value.number, text: text))
            }
            return out
        }
        func point() -> Int? {
            guard let p = o["point"]?.number, p >= 0, p < 1e15, p == p.rounded() else { return nil }
            return Int(p)
        }
    }

    static func row(_ o: LocatedJSON, file: String) throws -> ReportRow {
        let f = Fields(o: o, at: SourceLocation(file: file, line: o.line, column: 1))
        guard o.members != nil else { throw SimpleInputError("a result is not a JSON object", at: f.at) }
        let hardware = try f.text("hardware"), variant = try f.text("variant"), kernel = try f.text("kernel")
        let latency = try f.number("latency_s"), energy = try f.number("energy_j")
        let flops = try f.number("flops"), dramBytes = try f.number("dram_bytes")
        return ReportRow(file: file, line: o.line, hardware: hardware, variant: variant, kernel: kernel,
                         configuration: o["configuration"]?.string, latency: latency, energy: energy,
                         flops: flops, dramBytes: dramBytes, staticEnergy: o["static_energy_j"]?.number ?? 0,
                         groups: f.groups(), einsums: f.einsums(), energyParts: f.parts("energy_breakdown_j"),
                         bytesPerLevel: f.parts("bytes_per_level"), resourceSeconds: f.parts("resource_seconds"),
                         peakFLOPS: o["peak_flops_per_s"]?.number ?? 0, bandwidths: f.parts("bandwidth_bytes_per_s"),
                         point: f.point(), sweep: f.sweep())
    }
}

extension ReportRow {
    /// Short labels for `rows`: only the fields that differ between them (hardware, variant,
    /// kernel, configuration), then each swept value with its unit (`batch=8 hbm.bandwidth=2 TB/s`).
    public static func shortLabels(_ rows: [ReportRow]) -> [String] {
        func varies(_ field: (ReportRow) -> String?) -> Bool { Set(rows.map { field($0) ?? "" }).count > 1 }
        // The kernel is the mapping when the mapping is swept.
        let mappingSwept = rows.contains { $0.sweep.contains { $0.name == "mapping" } }
        let candidates: [(ReportRow) -> String?] = [\.configuration, \.hardware, \.variant, \.kernel]
        let fields = Array(candidates.filter { varies($0) }.dropLast(mappingSwept && varies(\.kernel) ? 1 : 0))
        return rows.map { r in
            var parts = r.sweep.map { v in
                let name = v.name.split(separator: " ").first.map(String.init) ?? v.name
                return "\(name)=\(HeatmapChart.short(v.text, parameter: v.name))"
            }
            parts += fields.compactMap { $0(r) }
            return parts.isEmpty ? r.label : parts.joined(separator: " · ")
        }
    }
}
