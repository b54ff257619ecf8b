import EinsimCore
import Workloads

/// The names of a GPU profile's storage levels, outermost first.
public struct GPUStorageLevels: Sendable, Hashable {
    public var dram: String, l2: String, shared: String, registers: String
    public init(dram: String, l2: String, shared: String, registers: String) {
        self.dram = dram; self.l2 = l2; self.shared = shared; self.registers = registers
    }
}

/// A GPU attention mapping as a target-neutral loop nest. Ranks: `b` batch, `hk` KV heads, `g`
/// query heads per KV head (GQA), `p` queries, `ms` × `m` the keys (split-KV partitions the key
/// rank into `ms` splits of `m` keys), `e`, `f` head dims.
///
/// ```
/// dram                       keeps every tensor crossing the kernel
/// l2         spatial b, hk, g, p/blockQ, ms   (the grid over the SMs, in dispatch order)
/// smem       for m in the split's key tiles   (K/V tiles streamed)
/// registers  p: blockQ, m: blockKV, e, f      (Q tile and accumulators stay)
/// ```
/// With GQA packing the group's query heads are the tile rows (`g` at the registers). The nest's
/// structure depends only on packing and on whether the keys are split; its factors and the
/// tensors' extents are numbers per mapping (``writeFactors``, ``writeExtents``), so a search can
/// evaluate candidates through ``CompiledReuse`` without rebuilding the nest.
extension AttentionMapping {
    /// The nest's ranks, in the order extents are written.
    public static let nestRanks = ["b", "hk", "g", "p", "m", "ms", "e", "f", "other"]

    /// Keys the grid touches: all of them, or (one row block) the visited key tiles.
    public func touchedKeys(shape: AttentionShape, maxTilesPerRowBlock: Double, rowBlocks: Int) -> Double {
        rowBlocks == 1 ? min(Double(shape.kvLen), maxTilesPerRowBlock * Double(blockKV)) : Double(shape.kvLen)
    }

    /// Number of loops of the nest (the length ``writeFactors`` fills).
    public static func loopCount(packed: Bool) -> Int { packed ? 9 : 10 }

    /// The nest's structure for GQA packing `packed` (factors 1; ``loopNest`` fills them).
    public static func nestTemplate(packed: Bool, levels: GPUStorageLevels, tensors: [String], keyTensors: [String],
                                    processors: Int, blockQ: Int = 0) -> LoopNest {
        let rowRank = packed ? "g" : "p"
        var grid = [Loop("b", 1, spatial: true), Loop("hk", 1, spatial: true)]
        if !packed { grid.append(Loop("g", 1, spatial: true)) }
        grid.append(Loop(rowRank, 1, spatial: true, note: blockQ > 0 ? "row blocks of \(blockQ)" : nil))
        grid.append(Loop("ms", 1, spatial: true, note: "split-KV"))
        let inner = tensors.filter { !keyTensors.contains($0) }
        return LoopNest(levels: [
            LevelNest(level: levels.dram, keeps: tensors),
            LevelNest(level: levels.l2, loops: grid, keeps: tensors, fanout: "\(processors) SMs"),
            LevelNest(level: levels.shared, loops: [Loop("m", 1, note: "key tiles")], keeps: keyTensors),
            LevelNest(level: levels.registers, loops: [Loop(rowRank, 1), Loop("m", 1), Loop("e", 1), Loop("f", 1)],
                      keeps: inner + keyTensors),
        ])
    }

    /// Writes the nest's loop factors in template order.
    public func writeFactors(shape: AttentionShape, touchedKeys: Double, into f: UnsafeMutableBufferPointer<Double>) {
        let rows = packsGroups ? shape.groupSize : shape.qLen
        let rowBlocks = Double(max(1, ceilDiv(rows, blockQ)))
        let touchedTiles = (touchedKeys / Double(blockKV)).rounded(.up)
        let tilesPerSplit = (touchedTiles / Double(max(1, splits))).rounded(.up)
        var i = 0
        func put(_ x: Double) { f[i] = max(1, x); i += 1 }
        put(Double(shape.batch)); put(Double(shape.kvHeads))
        if !packsGroups { put(Double(shape.groupSize)) }
        put(rowBlocks); put(Double(max(1, splits)))
        put(tilesPerSplit)
        put(Double(min(rows, blockQ))); put(Double(blockKV)); put(Double(shape.headDim)); put(Double(shape.valueDim))
    }

    /// The nest with this mapping's factors.
    public func loopNest(shape: AttentionShape, levels: GPUStorageLevels, tensors: [String], keyTensors: [String],
                         touchedKeys: Double, processors: Int) -> LoopNest {
        var nest = Self.nestTemplate(packed: packsGroups, levels: levels, tensors: tensors, keyTensors: keyTensors,
                                     processors: processors, blockQ: blockQ)
        var factors = [Double](repeating: 1, count: Self.loopCount(packed: packsGroups))
        factors.withUnsafeMutableBufferPointer { writeFactors(shape: shape, touchedKeys: touchedKeys, into: $0) }
        var k = 0
        for l in nest.levels.indices { for j in nest.levels[l].loops.indices { nest.levels[l].loops[j].factor = factors[k]; k += 1 } }
        return nest
    }

    /// The tensors on the nest: names, roles, element bytes and indexing ranks. With a split of
    /// the keys, each output not indexed by keys becomes its partial outputs and log-sum-exps
    /// (fp32), which the combine Einsum reads.
    public func nestTensors(_ tensors: [AttentionTensor], elementBytes: Double)
        -> [(name: String, role: MappedTensor.Role, bytes: Double, ranks: Set<String>, source: Int, lse: Bool)] {
        var out: [(name: String, role: MappedTensor.Role, bytes: Double, ranks: Set<String>, source: Int, lse: Bool)] = []
        for (index, t) in tensors.enumerated() {
            var ranks = Set<String>()
            for r in t.ranks {
                switch r {
                case .batch: ranks.insert("b")
                case .head: ranks.insert("hk"); if !t.perKVHead { ranks.insert("g") }
                case .query: ranks.insert("p")
                case .key: ranks.insert("m"); if splits > 1 { ranks.insert("ms") }
                case .qkDim: ranks.insert("e")
                case .valueDim: ranks.insert("f")
                }
            }
            if t.otherElements != 1 { ranks.insert("other") }
            if t.role == .output && splits > 1 && !t.ranks.contains(.key) {
                ranks.insert("ms")
                out.append((t.name + ".partial", .output, 4, ranks, index, false))
                if t.ranks.contains(.valueDim) {
                    ranks.remove("f")
                    out.append((t.name + ".lse", .output, 4, ranks, index, true))
                }
                continue
            }
            out.append((t.name, t.role == .input ? .input : .output, t.bytesPerElement ?? elementBytes, ranks, index, false))
        }
        return out
    }

    /// Writes each nest tensor's extent along each of ``nestRanks`` (tensor-major); ranks that do
    /// not index a tensor get 1.
    public func writeExtents(_ nestTensors: [(name: String, role: MappedTensor.Role, bytes: Double, ranks: Set<String>, source: Int, lse: Bool)],
                             tensors: [AttentionTensor], shape: AttentionShape, touchedKeys: Double,
                             into x: UnsafeMutableBufferPointer<Double>) {
        writeExtents(masks: nestTensors.map { Self.rankMask($0.ranks) }, others: nestTensors.map { tensors[$0.source].otherElements },
                     shape: shape, touchedKeys: touchedKeys, into: x)
    }

    /// The same from each tensor's rank mask (``rankMask``) and product of other ranks' sizes.
    public func writeExtents(masks: [Int], others: [Double], shape: AttentionShape, touchedKeys: Double,
                             into x: UnsafeMutableBufferPointer<Double>) {
        let keysPerSplit = (touchedKeys / Double(max(1, splits))).rounded(.up)
        let r = Self.nestRanks.count
        let values = (Double(shape.batch), Double(shape.kvHeads), Double(shape.groupSize), Double(shape.qLen), keysPerSplit,
                      Double(max(1, splits)), Double(shape.headDim), Double(shape.valueDim))
        for i in 0..<masks.count {
            let mask = masks[i]
            for k in 0..<r {
                let v: Double
                switch k {
                case 0: v = values.0
                case 1: v = values.1
                case 2: v = values.2
                case 3: v = values.3
                case 4: v = values.4
                case 5: v = values.5
                case 6: v = values.6
                case 7: v = values.7
                default: v = others[i]
                }
                x[i * r + k] = mask & (1 << k) != 0 ? v : 1
            }
        }
    }

    /// Bit k set when rank `nestRanks[k]` is in `ranks`.
    public static func rankMask(_ ranks: Set<String>) -> Int {
        var m = 0
        for (k, name) in nestRanks.enumerated() where ranks.contains(name) { m |= 1 << k }
        return m
    }

    /// The call's tensors on this nest's ranks, as ``MappedTensor`` values (for reports and the
    /// general ``ReuseAnalysis``).
    public func mappedTensors(_ tensors: [AttentionTensor], shape: AttentionShape, elementBytes: Double,
                              touchedKeys: Double) -> [MappedTensor] {
        let nt = nestTensors(tensors, elementBytes: elementBytes)
        let r = Self.nestRanks.count
        var x = [Double](repeating: 1, count: nt.count * r)
        x.withUnsafeMutableBufferPointer { writeExtents(nt, tensors: tensors, shape: shape, touchedKeys: touchedKeys, into: $0) }
        return nt.enumerated().map { i, t in
            var extents: [String: Double] = [:]
            for k in 0..<r where t.ranks.contains(Self.nestRanks[k]) { extents[Self.nestRanks[k]] = x[i * r + k] }
            return MappedTensor(name: t.name, role: t.role, elementBytes: t.bytes, extents: extents)
        }
    }
}
