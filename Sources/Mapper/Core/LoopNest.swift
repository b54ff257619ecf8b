/// One loop of a mapping: a rank, how many iterations it runs at its level, and whether those
/// iterations run one after another (temporal) or side by side on the level's children (spatial:
/// SMs, PEs, arrays, banks).
public struct Loop: Sendable, Hashable {
    /// The rank iterated (a root rank of the cascade, or a mapping's split of one, e.g. `hk`, `g`).
    public var rank: String
    /// Iterations at this level (a partial last tile counts as a whole one: padding).
    public var factor: Double
    public var spatial: Bool
    /// Why the loop is there (shown by `einsim map`), e.g. "split-KV".
    public var note: String?

    public init(_ rank: String, _ factor: Double, spatial: Bool = false, note: String? = nil) {
        self.rank = rank; self.factor = max(1, factor); self.spatial = spatial; self.note = note
    }
}

/// The loops a memory level runs and the tensors it keeps a tile of.
public struct LevelNest: Sendable, Hashable {
    /// The profile's name of the storage level (`hbm`, `l2`, `smem`, `global-buffer` …).
    public var level: String
    /// Loops at this level, outermost first (spatial loops distribute over `fanout`).
    public var loops: [Loop]
    /// Tensors this level holds a tile of; others bypass it.
    public var keeps: [String]
    /// What the spatial loops at this level spread over (e.g. "132 SMs"), for reports.
    public var fanout: String?
    /// Whether the network below the level delivers one read to several children (a spatial
    /// array's buses do; a GPU's L2 serves each SM's request on its own).
    public var multicast: Bool

    public init(level: String, loops: [Loop] = [], keeps: [String], fanout: String? = nil, multicast: Bool = false) {
        self.level = level; self.loops = loops; self.keeps = keeps; self.fanout = fanout; self.multicast = multicast
    }
}

/// A loop nest over the memory levels, outermost (the backing store, which keeps every tensor
/// that crosses the group's boundary) first.
public struct LoopNest: Sendable, Hashable {
    public var levels: [LevelNest]
    public init(levels: [LevelNest]) { self.levels = levels }

    /// Product of every loop's factor over `rank` (the padded iteration count of the rank).
    public func iterations(of rank: String) -> Double {
        levels.reduce(1) { acc, level in level.loops.reduce(acc) { $1.rank == rank ? $0 * $1.factor : $0 } }
    }
}

/// A tensor as the mapper sees it: which of the nest's ranks index it, with the tensor's extent
/// along each, its element size and whether the group reads or writes it.
public struct MappedTensor: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case input, output }
    public var name: String
    public var role: Role
    public var elementBytes: Double
    /// Rank → extent of the tensor along it (ranks absent here do not index the tensor).
    public var extents: [String: Double]

    public init(name: String, role: Role, elementBytes: Double, extents: [String: Double]) {
        self.name = name; self.role = role; self.elementBytes = elementBytes; self.extents = extents
    }

    public var elements: Double { extents.values.reduce(1, *) }
    public var bytes: Double { elements * elementBytes }
    public func indexes(_ rank: String) -> Bool { extents[rank] != nil }
}
