import EinsimCore

/// A binary map operator written infix.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    /// Binding strength used by the parser and the printer (higher binds tighter).
    var precedence: Int { self == .add || self == .subtract ? 1 : 2 }
}

/// A map function written as a call: `exp(x)`, `max(a, b)`, `min(a, b)` or a declared user operator.
public enum MapFunction: Sendable, Hashable {
    case exp, max, min
    /// A user operator declared with `operator NAME : COST-CLASS`.
    case user(String)

    /// The spelling in a `.einsum` file.
    public var name: String {
        switch self {
        case .exp: return "exp"
        case .max: return "max"
        case .min: return "min"
        case .user(let n): return n
        }
    }
}

/// The operator that reduces the ranks on the right that are absent on the left.
public enum ReductionOperator: Sendable, Hashable {
    /// `+` (the default when none is named).
    case sum
    case max, min
    /// A user operator declared with `operator NAME : COST-CLASS`.
    case user(String)

    public var name: String {
        switch self {
        case .sum: return "sum"
        case .max: return "max"
        case .min: return "min"
        case .user(let n): return n
        }
    }
}

/// A named user operator and the cost class of one application: `operator softplus : special-function`.
public struct UserOperator: Sendable, Hashable {
    public var name: String
    public var costClass: CostClass
    public var source: SourceInfo

    public init(name: String, costClass: CostClass, source: SourceInfo = SourceInfo()) {
        self.name = name
        self.costClass = costClass
        self.source = source
    }
}
