import EinsimCore

/// What the parser reads before names are resolved (the checker turns it into the IR).
enum RawIndex: Sendable {
    /// `m` (lower case) or `M1` (upper case: the final state of an iterative rank).
    case name(String)
    /// `m1+1`
    case next(String, offset: Int)
    /// `m1:m1=0` or `m1=0`
    case fixed(String, position: Int)
    /// `m1*M0+m0`
    case split(outer: String, tile: String, inner: String)
}

struct RawAccess: Sendable {
    var tensor: String
    /// nil for a bare scalar name (`Y`), otherwise one entry per index.
    var indices: [(index: RawIndex, location: SourceLocation)]?
    var location: SourceLocation
}

indirect enum RawExpression: Sendable {
    case tensor(RawAccess)
    case constant(Double)
    case binary(BinaryOperator, RawExpression, RawExpression)
    case call(String, SourceLocation, [RawExpression])
    case negate(RawExpression)
}

struct RawReduction: Sendable {
    var ranks: [(name: String, location: SourceLocation)]
    var op: String
    var opLocation: SourceLocation
    var location: SourceLocation
}

struct RawSparsity: Sendable {
    var kind: Sparsity.Kind
    var ranks: [(name: String, location: SourceLocation)]
    var density: Double
    var pattern: String?
    var location: SourceLocation
}

struct RawEinsum: Sendable {
    var isInitialization: Bool
    var output: RawAccess
    var expression: RawExpression
    var reduction: RawReduction?
    var sparsity: RawSparsity?
    var location: SourceLocation
}

struct RawTensorDeclaration: Sendable {
    var name: String
    var role: TensorRole
    var ranks: [(name: String, location: SourceLocation)]
    var precision: Precision?
    var location: SourceLocation
}

struct RawStop: Sendable {
    var rank: String
    var bound: String
    var location: SourceLocation
    var boundLocation: SourceLocation
}

/// Everything a file declares, in order, before checking.
struct RawCascade: Sendable {
    var name: String?
    var defaultPrecision: Precision = .bf16
    var ranks: [Rank] = []
    var rankIndexByShape: [String: Int] = [:]
    var stops: [RawStop] = []
    var operators: [UserOperator] = []
    var tensors: [RawTensorDeclaration] = []
    var einsums: [RawEinsum] = []
}
