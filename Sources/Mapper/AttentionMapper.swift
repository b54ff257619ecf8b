import EinsimCore

/// Builds GPU attention mappings: the mapping a named preset pins, and the candidate space the
/// `auto` search explores (tile shapes × instruction paths × overlap policies under capacity limits).
public enum AttentionMapper {
    /// The mapping of `preset` for `shape` on a machine with `processors` SMs.
    public static func mapping(preset: KernelPreset, shape: AttentionShape, processors: Int,
                               fusion: AttentionMapping.Fusion = .fused) -> AttentionMapping {
        mapping(traits: preset.traits(headDim: max(shape.headDim, shape.valueDim)), shape: shape,
                processors: processors, fusion: fusion)
    }

    /// The mapping for explicit kernel traits (tiles, path, overlap).
    public static func mapping(traits: KernelTraits, shape: AttentionShape, processors: Int,
                               fusion: AttentionMapping.Fusion = .fused) -> AttentionMapping {
        if shape.isDecode {
            let rows = shape.qLen * shape.groupSize
            let rowBlocks = max(1, ceilDiv(rows, traits.decodeBlockQ))
            let grid = shape.batch * shape.kvHeads * rowBlocks
            var keys = shape.kvLen
            if case let .slidingWindow(w) = shape.mask { keys = min(keys, w + 1) }
            let keyBlocks = max(1, ceilDiv(keys, traits.decodeBlockKV))
            let splits = traits.splitKV
                ? SplitKVHeuristic.splits(gridBlocks: grid, processors: processors, keyBlocks: keyBlocks, maxSplits: traits.maxSplits)
                : 1
            return AttentionMapping(traits: traits, fusion: fusion, blockQ: traits.decodeBlockQ,
                                    blockKV: traits.decodeBlockKV, matrixPath: traits.decodeMatrixPath,
                                    splits: splits, threadBlocks: grid * splits,
                                    realRowsPerTile: min(rows, traits.decodeBlockQ), decode: true)
        }
        let rowBlocks = max(1, ceilDiv(shape.qLen, traits.blockQ))
        return AttentionMapping(traits: traits, fusion: fusion, blockQ: traits.blockQ, blockKV: traits.blockKV,
                                matrixPath: traits.matrixPath, splits: 1,
                                threadBlocks: shape.batch * shape.heads * rowBlocks,
                                realRowsPerTile: min(shape.qLen, traits.blockQ), decode: false)
    }

    /// Candidate mappings for the `auto` search: every preset, plus tile shapes and overlap
    /// policies around each on its instruction path, kept only when Q, K/V stages and the
    /// accumulators fit in shared memory and registers.
    public static func candidates(shape: AttentionShape, processors: Int, matrixPaths: [String],
                                  sharedMemoryBytes: Double, registerFileBytes: Double,
                                  elementBytes: Double = 2) -> [AttentionMapping] {
        var result: [AttentionMapping] = []
        result.reserveCapacity(100)
        let d = max(shape.headDim, shape.valueDim)
        for preset in KernelPreset.allCases where preset != .auto {
            let base = preset.traits(headDim: d)
            guard matrixPaths.contains(base.matrixPath) || matrixPaths.isEmpty else { continue }
            result.append(mapping(traits: base, shape: shape, processors: processors))
        }
        for path in matrixPaths.sorted() {
            let template = (path == "wgmma" ? KernelPreset.fa3 : .fa2).traits(headDim: d)
            for bq in [64, 128, 192, 256] {
                for bk in [32, 64, 128, 256] {
                    for overlap in [0.0, 0.5, 0.85] {
                        var t = template
                        t.preset = .auto
                        t.kernelName = "searched"
                        t.matrixPath = path; t.blockQ = bq; t.blockKV = bk; t.softmaxOverlap = overlap
                        // Overlap needs warp specialization: at least two warpgroups of rows.
                        if overlap > 0 && bq < 128 { continue }
                        let smem = (Double(bq * shape.headDim) + Double(t.stages * bk * (shape.headDim + shape.valueDim))) * elementBytes
                        let registers = Double(bq * shape.valueDim + bq * bk) * 4 * (overlap > 0.5 ? 2 : 1)
                        guard smem <= sharedMemoryBytes, registers <= registerFileBytes * 0.75 else { continue }
                        result.append(mapping(traits: t, shape: shape, processors: processors))
                    }
                }
            }
        }
        return result
    }
}
