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
/// tokens and large sweeps never overflow (exact for integers below 2^53). Stored as one field per
/// class, so building and adding counts never allocates (the engines' hot path).
public struct OperationCounts: Sendable, Hashable, Codable {
    private var values: (Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0)

    public init() {}

    public init(_ counts: [CostClass: Double]) {
        for (k, v) in counts { self[k] = v }
    }

    public subscript(_ costClass: CostClass) -> Double {
        get {
            switch costClass {
            case .matrixMAC: return values.0
            case .vectorAdd: return values.1
            case .vectorMul: return values.2
            case .vectorMax: return values.3
            case .specialFunction: return values.4
            case .divide: return values.5
            }
        }
        set {
            switch costClass {
            case .matrixMAC: values.0 = newValue
            case .vectorAdd: values.1 = newValue
            case .vectorMul: values.2 = newValue
            case .vectorMax: values.3 = newValue
            case .specialFunction: values.4 = newValue
            case .divide: values.5 = newValue
            }
        }
    }

    /// The non-zero counts as a dictionary (for reports).
    public var counts: [CostClass: Double] {
        var d: [CostClass: Double] = [:]
        for c in CostClass.allCases where self[c] != 0 { d[c] = self[c] }
        return d
    }

    /// Sum of all vector classes (add, mul, max).
    public var vectorOperations: Double { values.1 + values.2 + values.3 }

    /// FLOPs by the usual convention: 2 per MAC, 1 per every other operation.
    public var flops: Double { 2 * values.0 + values.1 + values.2 + values.3 + values.4 + values.5 }

    public static func + (lhs: OperationCounts, rhs: OperationCounts) -> OperationCounts {
        var out = lhs
        out.values = (lhs.values.0 + rhs.values.0, lhs.values.1 + rhs.values.1, lhs.values.2 + rhs.values.2,
                      lhs.values.3 + rhs.values.3, lhs.values.4 + rhs.values.4, lhs.values.5 + rhs.values.5)
        return out
    }

    public static func += (lhs: inout OperationCounts, rhs: OperationCounts) { lhs = lhs + rhs }

    /// Every count multiplied by `factor`.
    public func scaled(by factor: Double) -> OperationCounts {
        var out = self
        out.values = (values.0 * factor, values.1 * factor, values.2 * factor, values.3 * factor, values.4 * factor, values.5 * factor)
        return out
    }

    public static func == (a: OperationCounts, b: OperationCounts) -> Bool {
        CostClass.allCases.allSatisfy { a[$0] == b[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for c in CostClass.allCases { hasher.combine(self[c]) }
    }

    public init(from decoder: Decoder) throws {
        self.init(try [CostClass: Double](from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try counts.encode(to: encoder)
    }
}
