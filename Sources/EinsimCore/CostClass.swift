/// The class of hardware work an operation needs; the IR counts operations per class and the
/// hardware model gives a rate and an energy per class.
///
/// - `matrixMAC`: one multiply-accumulate inside a contraction (2 FLOPs by the usual convention).
/// - `vectorAdd`, `vectorMul`, `vectorMax`: one elementwise add/sub, multiply, or max/min/compare.
/// - `specialFunction`: one transcendental (exp, log, rsqrt…) on a special-function unit.
/// - `divide`: one division (or reciprocal) on a divider / vector path.
public enum CostClass: String, Sendable, Hashable, CaseIterable, Codable {
    case matrixMAC = "matrix-mac"
    case vectorAdd = "vector-add"
    case vectorMul = "vector-mul"
    case vectorMax = "vector-max"
    case specialFunction = "special-function"
    case divide = "divide"

    /// True for the elementwise vector classes (add, mul, max).
    public var isVector: Bool {
        switch self {
        case .vectorAdd, .vectorMul, .vectorMax: return true
        default: return false
        }
    }
}

/// Operation counts by cost class. Counts are `Double` so that sequence lengths of millions of
/// tokens and large sweeps never overflow (exact for integers below 2^53).
public struct OperationCounts: Sendable, Hashable, Codable {
    public private(set) var counts: [CostClass: Double]

    public init(_ counts: [CostClass: Double] = [:]) { self.counts = counts }

    public subscript(_ costClass: CostClass) -> Double {
        get { counts[costClass, default: 0] }
        set { counts[costClass] = newValue }
    }

    /// Sum of all vector classes (add, mul, max).
    public var vectorOperations: Double { self[.vectorAdd] + self[.vectorMul] + self[.vectorMax] }

    /// FLOPs by the usual convention: 2 per MAC, 1 per every other operation.
    public var flops: Double {
        counts.reduce(0) { $0 + ($1.key == .matrixMAC ? 2 * $1.value : $1.value) }
    }

    public static func + (lhs: OperationCounts, rhs: OperationCounts) -> OperationCounts {
        var out = lhs
        for (k, v) in rhs.counts { out[k] += v }
        return out
    }

    public static func += (lhs: inout OperationCounts, rhs: OperationCounts) { lhs = lhs + rhs }

    /// Every count multiplied by `factor`.
    public func scaled(by factor: Double) -> OperationCounts {
        OperationCounts(counts.mapValues { $0 * factor })
    }
}
