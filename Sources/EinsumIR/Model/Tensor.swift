import EinsimCore

/// What a tensor is to its cascade.
public enum TensorRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Given to the cascade (`input Q[...]`); never assigned by an Einsum.
    case input
    /// Produced by the cascade and returned (`output AV[...]`).
    case output
    /// Produced and consumed inside the cascade.
    case intermediate
}

/// A tensor of a cascade: its rank list (index names, in order), precision and role.
public struct Tensor: Sendable, Hashable {
    public var name: String
    /// Index names of its ranks, outermost first, e.g. `["b", "h", "e", "p"]`.
    public var ranks: [String]
    public var precision: Precision
    public var role: TensorRole
    /// Where the tensor was declared or first used.
    public var source: SourceInfo

    public init(name: String, ranks: [String], precision: Precision = .bf16, role: TensorRole, source: SourceInfo = SourceInfo()) {
        self.name = name
        self.ranks = ranks
        self.precision = precision
        self.role = role
        self.source = source
    }
}
