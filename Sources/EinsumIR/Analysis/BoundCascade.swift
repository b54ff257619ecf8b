import EinsimCore

/// A cascade with every rank's size fixed, ready for counting operations and bytes.
///
/// Sizes are `Int` (each at most 2^53); every product of sizes is computed in `Double`, so
/// iteration spaces of 2^20 × 2^20 × … never overflow (exact while below 2^53, then rounded).
public struct BoundCascade: Sendable {
    public var cascade: Cascade
    /// The size of every rank (derived ones too), keyed by the rank's index name (`m`, `m1`).
    public var rankSizes: [String: Int]

    public init(cascade: Cascade, rankSizes: [String: Int]) {
        self.cascade = cascade
        self.rankSizes = rankSizes
    }

    /// The size of a rank given by index name (`m`) or shape name (`M`); nil when unknown.
    public func size(of rank: String) -> Int? {
        rankSizes[rank] ?? rankSizes[rank.lowercased()]
    }

    /// Number of points of the Einsum's iteration space (before density).
    public func iterationSpaceSize(of einsum: Einsum) -> Double {
        einsum.iterationRanks.reduce(1.0) { $0 * Double(size(of: $1) ?? 1) }
    }

    /// Number of elements of a tensor: the product of its ranks' sizes (0 for an unknown tensor).
    public func elements(of tensor: String) -> Double {
        guard let t = cascade.tensor(named: tensor) else { return 0 }
        return t.ranks.reduce(1.0) { $0 * Double(size(of: $1) ?? 1) }
    }

    /// Bytes of a tensor at its precision (`bf16` unless declared; 0 for an unknown tensor).
    public func bytes(of tensor: String) -> Double {
        guard let t = cascade.tensor(named: tensor) else { return 0 }
        return elements(of: tensor) * t.precision.bytes
    }
}

extension Cascade {
    /// Fixes every rank's size. `overrides` maps a rank's shape name (`M`) or index name (`m`) to a
    /// size and replaces the size written in the file; partition ranks (`M1 = M / M0`) are derived
    /// as `ceil(M / M0)` and cannot be overridden. Unknown names are an error with a suggestion.
    public func bind(_ overrides: [String: Int] = [:]) throws -> BoundCascade {
        var given: [String: Int] = [:]
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let rank = rank(named: key) else {
                let names = ranks.flatMap { [$0.shapeName, $0.name] }
                throw CascadeError("unknown rank '\(key)' in the binding", suggestion: Suggestions.didYouMean(key, in: names) ?? "ranks of '\(name)': \(ranks.map(\.shapeName).joined(separator: ", "))")
            }
            if case .partition(let of, let tile) = rank.shape {
                throw CascadeError("rank '\(rank.shapeName)' is derived (\(rank.shapeName) = \(of) / \(tile)) and cannot be bound", suggestion: "bind '\(of)' and '\(tile)' instead")
            }
            guard value >= 1, value <= StatementParser.maximumRankSize else {
                throw CascadeError("rank '\(rank.shapeName)' bound to \(value): sizes must be between 1 and 2^53", suggestion: "give a positive size")
            }
            if let previous = given[rank.name], previous != value {
                throw CascadeError("rank '\(rank.shapeName)' is bound twice (\(previous) and \(value))", suggestion: "bind it once, by 'M' or by 'm'")
            }
            given[rank.name] = value
        }
        var sizes: [String: Int] = [:]
        for rank in ranks { sizes[rank.name] = try size(of: rank, given: given, depth: 0) }
        return BoundCascade(cascade: self, rankSizes: sizes)
    }

    private func size(of rank: Rank, given: [String: Int], depth: Int) throws -> Int {
        if let v = given[rank.name] { return v }
        guard depth < 64 else { throw CascadeError("rank '\(rank.shapeName)' is defined in terms of itself") }
        func lookup(_ shapeName: String) throws -> Int {
            guard let other = self.rank(named: shapeName) else {
                throw CascadeError("rank '\(rank.shapeName)' refers to the undeclared rank '\(shapeName)'")
            }
            return try size(of: other, given: given, depth: depth + 1)
        }
        switch rank.shape {
        case .literal(let n): return n
        case .alias(let other): return try lookup(other)
        case .partition(let of, let tile):
            let whole = try lookup(of), part = try lookup(tile)
            return whole / part + (whole % part == 0 ? 0 : 1)
        }
    }
}
