import EinsimCore
import Foundation

/// Renders a mapping for `einsim map`: the cascade's Einsums with their binding, the fusion
/// groups, the loop nest per level (factors, kept tensors) and the traffic per level and tensor.
public enum MappingText {
    /// A count as an integer when it is one (and fits), otherwise in scientific notation.
    public static func count(_ x: Double) -> String { factor(x) }

    public static func bytes(_ b: Double) -> String {
        guard b.isFinite else { return "\(b) B" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = b, i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(Int(v.rounded())) B" : String(format: "%.2f %@", v, units[i])
    }

    static func factor(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3g", x)
    }

    public static func bindings(_ bindings: [EinsumBinding]) -> String {
        let width = bindings.map(\.einsum.count).max() ?? 0
        return bindings.map { b in
            let pad = String(repeating: " ", count: max(0, width - b.einsum.count))
            let slots = b.issueSlots > 1 ? " (\(factor(b.issueSlots)) issue slots each)" : ""
            return "  \(b.einsum)\(pad)  -> \(b.unit) [\(b.operation.rawValue)]\(slots)"
        }.joined(separator: "\n")
    }

    public static func nest(_ nest: LoopNest) -> String {
        let width = nest.levels.map(\.level.count).max() ?? 0
        return nest.levels.map { level in
            let pad = String(repeating: " ", count: max(0, width - level.level.count))
            var parts: [String] = []
            let spatial = level.loops.filter(\.spatial), temporal = level.loops.filter { !$0.spatial }
            if !spatial.isEmpty {
                parts.append("parallel-for " + spatial.map { "\($0.rank):\(factor($0.factor))" + ($0.note.map { " (\($0))" } ?? "") }
                    .joined(separator: ", ") + (level.fanout.map { " over \($0)" } ?? ""))
            }
            if !temporal.isEmpty {
                parts.append("for " + temporal.map { "\($0.rank):\(factor($0.factor))" + ($0.note.map { " (\($0))" } ?? "") }.joined(separator: ", "))
            }
            if parts.isEmpty { parts.append("-") }
            return "  \(level.level)\(pad)  \(parts.joined(separator: "; "))   keeps \(level.keeps.isEmpty ? "nothing" : level.keeps.joined(separator: ", "))"
        }.joined(separator: "\n")
    }

    public static func traffic(_ result: ReuseAnalysis.Result) -> String {
        var lines = ["  tensor         level ← parent          tile          moved     reload"]
        for e in result.entries {
            let name = e.tensor.padding(toLength: max(14, e.tensor.count), withPad: " ", startingAt: 0)
            let hop = "\(e.level) ← \(e.parent)".padding(toLength: 20, withPad: " ", startingAt: 0)
            lines.append("  \(name) \(hop) \(bytes(e.tileBytes).leftPad(10)) \(bytes(e.parentBytes).leftPad(12))     \(String(format: "%.2f", e.reload))")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
