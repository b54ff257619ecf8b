/// A rank (a dimension of an iteration space) of a cascade.
///
/// A rank has a *shape name* written in upper case (`M`, `M0`, `KV_LEN`) and an *index name*, its
/// lower-case form (`m`, `m0`, `kv_len`), which is what tensors and Einsums use. The rank's
/// ``name`` is the index name: tensors list ranks as `["b", "h", "m", "p"]`.
public struct Rank: Sendable, Hashable {
    /// The index name (lower case), e.g. `m1`.
    public var name: String
    /// The shape name (upper case), e.g. `M1`.
    public var shapeName: String
    /// How the rank's size is given.
    public var shape: RankShape
    /// True when the rank is iterative: Einsums may index it as `m1+1` (the running value's next
    /// state) and `M1` (the final state); the stop condition is `m1 >= M1`.
    public var isIterative: Bool
    /// Where the rank was declared.
    public var source: SourceInfo

    public init(shapeName: String, shape: RankShape, isIterative: Bool = false, source: SourceInfo = SourceInfo()) {
        self.name = shapeName.lowercased()
        self.shapeName = shapeName
        self.shape = shape
        self.isIterative = isIterative
        self.source = source
    }

    /// True when the rank's size is derived from other ranks (a partition's outer rank).
    public var isDerived: Bool {
        if case .partition = shape { return true }
        return false
    }
}

/// How a rank's size is given in a `.einsum` file.
public enum RankShape: Sendable, Hashable {
    /// A number: `rank M = 4096`. Overridable at analysis time.
    case literal(Int)
    /// The same size as another rank (by shape name): `rank P = M`. Overridable at analysis time.
    case alias(String)
    /// The outer rank of a partition (by shape names): `rank M1 = M / M0` splits `m` into
    /// `m1 × m0` with `M1 = ceil(M / M0)`. Derived; not overridable.
    case partition(of: String, tile: String)
}
