/// One index of a tensor access, e.g. the `m1+1` in `RM[m1+1,p]`.
public enum IndexExpression: Sendable, Hashable {
    /// A plain rank index: `m`.
    case rank(String)
    /// The next state of an iterative rank's running value: `m1+1` (offset ≥ 1).
    case next(String, offset: Int)
    /// A fixed position of a rank: `m1:m1=0` (used by initializations).
    case fixed(String, position: Int)
    /// The final state of an iterative rank, after the stop condition: `M1`.
    case final(String)
    /// A partitioned rank read through its parts: `m1*M0+m0` indexes rank `parent` (`m`).
    case split(parent: String, outer: String, inner: String)

    /// The rank of the tensor dimension this index addresses (`m` for `m1*M0+m0`).
    public var dimensionRank: String {
        switch self {
        case .rank(let r), .next(let r, _), .fixed(let r, _), .final(let r): return r
        case .split(let parent, _, _): return parent
        }
    }

    /// The ranks this index iterates over (none for a fixed or final position).
    public var iteratedRanks: [String] {
        switch self {
        case .rank(let r), .next(let r, _): return [r]
        case .fixed, .final: return []
        case .split(_, let outer, let inner): return [outer, inner]
        }
    }
}

/// A reference to a tensor inside an Einsum, e.g. `K[b,h,e,m1*M0+m0]`.
public struct TensorAccess: Sendable, Hashable {
    /// The tensor's name.
    public var tensor: String
    /// One index expression per tensor dimension.
    public var indices: [IndexExpression]
    public var source: SourceInfo

    public init(tensor: String, indices: [IndexExpression], source: SourceInfo = SourceInfo()) {
        self.tensor = tensor
        self.indices = indices
        self.source = source
    }

    /// The tensor's rank list as this access addresses it (index names, one per dimension).
    public var ranks: [String] { indices.map(\.dimensionRank) }

    /// Ranks iterated by this access, in order, without repetition.
    public var iteratedRanks: [String] {
        var out: [String] = []
        out.reserveCapacity(indices.count)
        for index in indices {
            switch index {
            case .rank(let r), .next(let r, _): if !out.contains(r) { out.append(r) }
            case .fixed, .final: break
            case .split(_, let outer, let inner):
                if !out.contains(outer) { out.append(outer) }
                if !out.contains(inner) { out.append(inner) }
            }
        }
        return out
    }
}
