import EinsimCore

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
/// l2         spatial b, hk, g, p/blockQ, ms   (the grid over the SMs)
/// smem       for m in the split's key tiles   (K/V tiles streamed)
/// registers  p: blockQ, m: blockKV, e, f      (Q tile and accumulators stay)
/// ```
/// With GQA packing the group's query heads are the tile rows (`g` at the registers).
extension AttentionMapping {
    /// Keys the grid touches: all of them, or (one row block) the visited key tiles.
    public func touchedKeys(shape: AttentionShape, maxTilesPerRowBlock: Double, rowBlocks: Int) -> Double {
        rowBlocks == 1 ? min(Double(shape.kvLen), maxTilesPerRowBlock * Double(blockKV)) : Double(shape.kvLen)
    }

    public func loopNest(shape: AttentionShape, levels: GPUStorageLevels, tensors: [String], keyTensors: [String],
                         touchedKeys: Double, processors: Int) -> LoopNest {
        let rows = packsGroups ? shape.groupSize : shape.qLen
        let rowRank = packsGroups ? "g" : "p"
        let rowBlocks = Double(max(1, ceilDiv(rows, blockQ)))
        let touchedTiles = (touchedKeys / Double(blockKV)).rounded(.up)
        let tilesPerSplit = (touchedTiles / Double(max(1, splits))).rounded(.up)
        var grid = [Loop("b", Double(shape.batch), spatial: true), Loop("hk", Double(shape.kvHeads), spatial: true)]
        if !packsGroups { grid.append(Loop("g", Double(shape.groupSize), spatial: true)) }
        grid.append(Loop(rowRank, rowBlocks, spatial: true, note: "row blocks of \(blockQ)"))
        if splits > 1 { grid.append(Loop("ms", Double(splits), spatial: true, note: "split-KV")) }
        let inner = tensors.filter { !keyTensors.contains($0) }
        return LoopNest(levels: [
            LevelNest(level: levels.dram, keeps: tensors),
            LevelNest(level: levels.l2, loops: grid, keeps: tensors, fanout: "\(processors) SMs"),
            LevelNest(level: levels.shared, loops: [Loop("m", tilesPerSplit, note: "key tiles")], keeps: keyTensors),
            LevelNest(level: levels.registers,
                      loops: [Loop(rowRank, Double(min(rows, blockQ))), Loop("m", Double(blockKV)),
                              Loop("e", Double(shape.headDim)), Loop("f", Double(shape.valueDim))],
                      keeps: inner + keyTensors),
        ])
    }

    /// The call's tensors on this nest's ranks; with a split of the keys the output is replaced by
    /// the partial outputs and log-sum-exps (fp32) the combine Einsum reads.
    public func mappedTensors(_ tensors: [AttentionTensor], shape: AttentionShape, elementBytes: Double,
                              touchedKeys: Double) -> [MappedTensor] {
        let keysPerSplit = (touchedKeys / Double(max(1, splits))).rounded(.up)
        var result: [MappedTensor] = []
        for t in tensors {
            var extents: [String: Double] = [:]
            for r in t.ranks {
                switch r {
                case .batch: extents["b"] = Double(shape.batch)
                case .head:
                    extents["hk"] = Double(shape.kvHeads)
                    if !t.perKVHead { extents["g"] = Double(shape.groupSize) }
                case .query: extents["p"] = Double(shape.qLen)
                case .key:
                    extents["m"] = keysPerSplit
                    if splits > 1 { extents["ms"] = Double(splits) }
                case .qkDim: extents["e"] = Double(shape.headDim)
                case .valueDim: extents["f"] = Double(shape.valueDim)
                }
            }
            if t.otherElements != 1 { extents["other"] = t.otherElements }
            let width = t.bytesPerElement ?? elementBytes
            if t.role == .output && splits > 1 && !t.ranks.contains(.key) {
                var partial = extents
                partial["ms"] = Double(splits)
                result.append(MappedTensor(name: t.name + ".partial", role: .output, elementBytes: 4, extents: partial))
                if t.ranks.contains(.valueDim) {
                    partial["f"] = nil
                    result.append(MappedTensor(name: t.name + ".lse", role: .output, elementBytes: 4, extents: partial))
                }
                continue
            }
            result.append(MappedTensor(name: t.name, role: t.role == .input ? .input : .output, elementBytes: width, extents: extents))
        }
        return result
    }
}
