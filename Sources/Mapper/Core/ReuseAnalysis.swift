/// Traffic per memory level and tensor derived from a loop nest (the standard reuse analysis of
/// Timeloop and its successors; `shared/reference/mapping.md`).
///
/// - The **tile** a level keeps of a tensor: per rank indexing the tensor, the product of the
///   rank's factors at that level and inside it (capped at the tensor's extent).
/// - **Fills** of a level: the tile times the loops above it, walked from the innermost outward —
///   temporal loops over ranks that do not index the tensor, met before the first one that does,
///   leave the tile in place (reuse); from the first relevant loop on, every loop multiplies.
/// - A **spatial** loop over a rank that does not index the tensor hands the same tile to several
///   children: at or below the nearest level keeping the tensor, one read serves them all when the
///   level's network multicasts; otherwise each child reads its own.
/// - A level with a ``MulticastLimit`` (a GPU's L2 for the thread blocks in flight) serves its
///   children in the order of its spatial loops. Children sharing a tile that are dispatched
///   within one window of concurrently running children reuse it in lockstep; sharers spread
///   over more children than run at once keep the reuse only while the working set of the
///   children in flight fits, and beyond that the level's own fills repeat.
/// - Loops with a factor of 1 are no loops (they neither reuse nor refetch).
/// - Outputs are written back by the same walk (partial sums of a reduction split spatially are
///   separate tensors of a combine Einsum, not hidden reductions).
public enum ReuseAnalysis {
    public struct MulticastLimit: Sendable, Hashable {
        /// Bytes of the level that hold reused data (capacity × resident fraction).
        public var capacityBytes: Double
        /// Children (thread blocks) running at the same time.
        public var concurrentChildren: Double
        public init(capacityBytes: Double, concurrentChildren: Double) {
            self.capacityBytes = capacityBytes; self.concurrentChildren = concurrentChildren
        }
    }

    /// Traffic of one tensor into one level.
    public struct Entry: Sendable, Hashable {
        public var tensor: String
        public var level: String
        /// The level the tile comes from (the nearest outer level keeping the tensor).
        public var parent: String
        /// Bytes of the tile the level keeps (per instance).
        public var tileBytes: Double
        /// Bytes read from the parent (written back to it, for outputs), over all instances.
        public var parentBytes: Double
        /// Re-fills forced by a multicast limit (1 = the reuse held).
        public var reload: Double
    }

    public struct Result: Sendable, Hashable {
        public var entries: [Entry]
        public init(entries: [Entry]) { self.entries = entries }
        /// Bytes moved between `level` and the levels it feeds, summed over tensors.
        public func bytesOut(of level: String) -> Double {
            entries.reduce(0) { $1.parent == level ? $0 + $1.parentBytes : $0 }
        }
        public func entry(_ tensor: String, _ level: String) -> Entry? {
            entries.first { $0.tensor == tensor && $0.level == level }
        }
    }

    public static func analyze(_ nest: LoopNest, tensors: [MappedTensor],
                               limits: [String: MulticastLimit] = [:]) -> Result {
        let levels = nest.levels
        var entries: [Entry] = []
        entries.reserveCapacity(tensors.count * levels.count)
        var workingSet: [Int: Double] = [:]
        for (i, level) in levels.enumerated() {
            guard let limit = limits[level.level], i + 1 <= levels.count else { continue }
            var total = 0.0
            for t in tensors where level.keeps.contains(t.name) {
                let share = sharing(t, at: level)
                guard share > 1, span(t, at: level) > limit.concurrentChildren else { continue }
                total += limit.concurrentChildren * tile(t, levels: levels, from: i + 1) * t.elementBytes / share
            }
            workingSet[i] = total
        }
        for t in tensors {
            var parent = 0
            guard levels.count > 1 else { break }
            for i in 1..<levels.count where levels[i].keeps.contains(t.name) {
                let tileBytes = tile(t, levels: levels, from: i) * t.elementBytes
                var reads = 1.0
                var seenRelevant = false
                for j in stride(from: i - 1, through: 0, by: -1) {
                    for loop in levels[j].loops.reversed() where loop.factor > 1 {
                        if t.indexes(loop.rank) {
                            seenRelevant = true
                            reads *= loop.factor
                        } else if loop.spatial {
                            if !(j >= parent && levels[j].multicast) { reads *= loop.factor }
                        } else if seenRelevant {
                            reads *= loop.factor
                        }
                    }
                }
                var reload = 1.0
                if let limit = limits[levels[i].level], let ws = workingSet[i] {
                    let share = sharing(t, at: levels[i])
                    if share > 1 && span(t, at: levels[i]) > limit.concurrentChildren {
                        reload = min(share, max(1, ws / max(limit.capacityBytes, 1)))
                    }
                }
                entries.append(Entry(tensor: t.name, level: levels[i].level, parent: levels[parent].level,
                                     tileBytes: tileBytes, parentBytes: tileBytes * reads * reload, reload: reload))
                parent = i
            }
        }
        return Result(entries: entries)
    }

    /// Elements of `t` in the tile of level `start` (its loops and all inner levels' loops).
    static func tile(_ t: MappedTensor, levels: [LevelNest], from start: Int) -> Double {
        var elements = 1.0
        for (rank, extent) in t.extents {
            var product = 1.0
            if start < levels.count {
                for j in start..<levels.count { for loop in levels[j].loops where loop.rank == rank { product *= loop.factor } }
            }
            elements *= min(extent, product)
        }
        return elements
    }

    /// Children dispatched from the first to the last sharer of one of `t`'s tiles: the spatial
    /// factors from the outermost loop over a rank not indexing `t` inward.
    static func span(_ t: MappedTensor, at level: LevelNest) -> Double {
        let spatial = level.loops.filter { $0.spatial && $0.factor > 1 }
        guard let first = spatial.firstIndex(where: { !t.indexes($0.rank) }) else { return 1 }
        return spatial[first...].reduce(1) { $0 * $1.factor }
    }

    /// Product of the spatial factors at `level` over ranks that do not index `t`.
    static func sharing(_ t: MappedTensor, at level: LevelNest) -> Double {
        level.loops.reduce(1) { $1.spatial && !t.indexes($1.rank) ? $0 * $1.factor : $0 }
    }
}
