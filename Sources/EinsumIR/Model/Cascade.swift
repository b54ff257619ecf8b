import EinsimCore

/// A cascade of extended Einsums: ranks, tensors, user operators, initialization Einsums (run once)
/// and the main Einsums (run in order; iterative ones once per iteration of their iterative rank).
///
/// Build one with ``CascadeParser``; print it back to `.einsum` text with ``description``.
public struct Cascade: Sendable, Hashable {
    public var name: String
    /// Precision of tensors that do not declare one.
    public var defaultPrecision: Precision
    /// Ranks in declaration order.
    public var ranks: [Rank]
    public var operators: [UserOperator]
    /// Tensors: declared ones in declaration order, then inferred intermediates by first use.
    public var tensors: [Tensor]
    /// Einsums that run once before the main ones (`initialization:` section).
    public var initializations: [Einsum]
    /// The main Einsums, in order.
    public var einsums: [Einsum]

    public init(name: String, defaultPrecision: Precision = .bf16, ranks: [Rank] = [], operators: [UserOperator] = [], tensors: [Tensor] = [], initializations: [Einsum] = [], einsums: [Einsum] = []) {
        self.name = name
        self.defaultPrecision = defaultPrecision
        self.ranks = ranks
        self.operators = operators
        self.tensors = tensors
        self.initializations = initializations
        self.einsums = einsums
    }

    /// The rank with this index name (`m`) or shape name (`M`).
    public func rank(named name: String) -> Rank? {
        ranks.first { $0.name == name || $0.shapeName == name }
    }

    /// The tensor with this name.
    public func tensor(named name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }

    /// The user operator with this name.
    public func userOperator(named name: String) -> UserOperator? {
        operators.first { $0.name == name }
    }

    /// For the outer rank of a partition (`m1`), the partitioned rank and the tile rank (`m`, `m0`).
    public func partition(outer: String) -> (parent: String, inner: String)? {
        guard let r = rank(named: outer), case .partition(let of, let tile) = r.shape else { return nil }
        return (of.lowercased(), tile.lowercased())
    }

    /// The ranks `rank` is partitioned into (`[m1, m0]` for `m`), or nil when it is not partitioned.
    public func parts(of rank: String) -> [String]? {
        for r in ranks {
            if case .partition(let of, let tile) = r.shape, of.lowercased() == rank { return [r.name, tile.lowercased()] }
        }
        return nil
    }

    /// The rank a partition part belongs to (`m` for `m1` and for `m0`), or nil.
    public func partitionParent(of rank: String) -> String? {
        for r in ranks {
            if case .partition(let of, let tile) = r.shape, r.name == rank || tile.lowercased() == rank { return of.lowercased() }
        }
        return nil
    }

    /// Ranks that are not part of a partition (the ranks passes are counted over).
    public var rootRanks: [String] { ranks.map(\.name).filter { partitionParent(of: $0) == nil } }

    /// The innermost ranks a rank is made of (itself when not partitioned).
    public func leaves(of rank: String) -> [String] { leaves(of: rank, depth: 0) }

    private func leaves(of rank: String, depth: Int) -> [String] {
        guard depth < 64, let p = parts(of: rank) else { return [rank] }
        return p.flatMap { leaves(of: $0, depth: depth + 1) }
    }

    /// Input tensors, in order.
    public var inputs: [Tensor] { tensors.filter { $0.role == .input } }
    /// Output tensors, in order.
    public var outputs: [Tensor] { tensors.filter { $0.role == .output } }
}
