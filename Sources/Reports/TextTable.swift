import Foundation
/// A plain-text table with aligned columns (numbers right-aligned), for terminal output.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]] = []

    public init(headers: [String]) { self.headers = headers }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public var rendered: String {
        let columns = headers.count
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.prefix(columns).enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                let numeric = cell.first.map { $0.isNumber || $0 == "-" || $0 == "+" } ?? false
                parts.append(numeric && i > 0 ? pad + cell : cell + pad)
            }
            return parts.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}

/// Number formatting shared by reports.
public enum Format {
    /// Fixed decimals (no locale).
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "n/a" }
        // Integers beyond 2^53 have no exact decimal digits to fix; show them in scientific form.
        guard abs(x) < 1e15 else { return String(format: "%.\(max(0, min(decimals, 6)))e", x) }
        var scale = 1.0
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let r = (abs(x) * scale).rounded() / scale
        var s = String(Int(r))
        if decimals > 0 {
            var frac = Int(((r - r.rounded(.down)) * scale).rounded())
            if frac >= Int(scale) { frac = 0; s = String(Int(r) + 1) }
            let f = String(frac)
            s += "." + String(repeating: "0", count: max(0, decimals - f.count)) + f
        }
        return (x < 0 && r != 0 ? "-" : "") + s
    }

    /// A duration with a sensible unit (ns, µs, ms, s).
    public static func seconds(_ s: Double) -> String {
        if s < 1e-6 { return fixed(s * 1e9, 1) + " ns" }
        if s < 1e-3 { return fixed(s * 1e6, 2) + " us" }
        if s < 1 { return fixed(s * 1e3, 3) + " ms" }
        return fixed(s, 3) + " s"
    }

    /// Energy with a sensible unit.
    public static func joules(_ j: Double) -> String {
        if j < 1e-3 { return fixed(j * 1e6, 2) + " uJ" }
        if j < 1 { return fixed(j * 1e3, 2) + " mJ" }
        return fixed(j, 3) + " J"
    }

    /// Bytes with binary-ish readable units (decimal prefixes).
    public static func bytes(_ b: Double) -> String {
        if b >= 1e12 { return fixed(b / 1e12, 2) + " TB" }
        if b >= 1e9 { return fixed(b / 1e9, 2) + " GB" }
        if b >= 1e6 { return fixed(b / 1e6, 2) + " MB" }
        if b >= 1e3 { return fixed(b / 1e3, 2) + " kB" }
        return fixed(b, 0) + " B"
    }
}
