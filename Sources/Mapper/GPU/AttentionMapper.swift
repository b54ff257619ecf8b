import EinsimCore
import Workloads

/// Builds GPU attention mappings: the mapping a named preset pins, and the candidate space the
/// `auto` search explores (tile shapes × instruction paths × overlap policies under capacity limits).
///
/// Decode and prefill are one continuum. The kernel changes only where FlashAttention-2's own
/// dispatch (`mha_fwd` in `flash_api.cpp`, vendored by PyTorch's SDPA) changes it:
/// - **GQA packing** (`seqlenq_ngroups_swapped`): a single query per head (q_len = 1) with more query
///   heads than KV heads and no sliding window is run as one head per KV head with `groupSize`
///   query rows.
/// - **Split of the key rank** (`set_params_splitkv` + `num_splits_heuristic`): with
///   `rowBlocks = ceil(rows / kBlockM)` of the split kernel's row tile, the heuristic splits the
///   keys when the grid `batch × heads × rowBlocks` fills less than 80% of the SMs; the split kernel
///   (its own `kBlockM × kBlockN` tile: 64 × 256/128/64 by head dim for FA2) runs, and a combine
///   kernel rescales and sums the partial outputs. Otherwise the regular kernel runs with the
///   preset's tiles — at any q_len.
/// cuDNN's dispatch is closed: ``SplitPolicy/leanAttention`` is inferred from measured grids (its
/// 16-row split kernel only for a single query). FlexAttention's is not modeled separately: it
/// follows FA2's rule (its `flex_decoding` kernel below 128 queries is not measured here).
public enum AttentionMapper {
    /// The mapping of `preset` for `shape` on a machine with `processors` SMs.
    public static func mapping(preset: KernelPreset, shape: AttentionShape, sm: SMResources,
                               fusion: AttentionMapping.Fusion = .fused) -> AttentionMapping {
        mapping(traits: preset.traits(headDim: max(shape.headDim, shape.valueDim)), shape: shape,
                sm: sm, fusion: fusion)
    }

    /// Whether FA2-style dispatch folds the GQA group into the rows of one head.
    public static func packsGroups(_ shape: AttentionShape) -> Bool {
        // FA2 drops a window that covers every key (window_size_left >= seqlen_k → -1).
        if case let .slidingWindow(w) = shape.mask, w < shape.kvLen { return false }
        return shape.qLen == 1 && shape.heads > shape.kvHeads
    }

    /// The mapping for explicit kernel traits (tiles, path, overlap).
    public static func mapping(traits given: KernelTraits, shape: AttentionShape, sm: SMResources,
                               fusion: AttentionMapping.Fusion = .fused) -> AttentionMapping {
        mapping(traits: given, shape: shape, sm: sm, fusion: fusion, splitCache: nil)
    }

    /// `splitCache`: the split count per split-kernel configuration, shared by candidates whose
    /// split kernel is the same (the searched tile shapes only change the regular kernel).
    static func mapping(traits given: KernelTraits, shape: AttentionShape, sm: SMResources,
                        fusion: AttentionMapping.Fusion, splitCache: UnsafeMutablePointer<[(SplitKey, Int)]>?) -> AttentionMapping {
        let processors = sm.processors
        var traits = given
        if traits.portablePath, let fastest = sm.matrixPaths.first {
            traits.matrixPath = fastest
            if !sm.matrixPaths.contains(traits.decodeMatrixPath) { traits.decodeMatrixPath = fastest }
        }
        let packed = packsGroups(shape)
        let rows = packed ? shape.groupSize : shape.qLen
        let headsInGrid = packed ? shape.kvHeads : shape.heads
        if traits.splitKV && (traits.splitPolicy == .flashAttention2 || shape.qLen == 1) {
            let rowBlocks = max(1, ceilDiv(rows, traits.decodeBlockQ))
            let grid = shape.batch * headsInGrid * rowBlocks
            var keys = shape.kvLen
            if case let .slidingWindow(w) = shape.mask, rowBlocks == 1 { keys = min(keys, w + rows) }
            let keyBlocks = max(1, ceilDiv(keys, traits.decodeBlockKV))
            // FA2 passes the heuristic 2 × the SMs ("128 threads per block": two resident blocks);
            // in general, the split kernel's resident blocks per SM.
            let d = max(shape.headDim, shape.valueDim)
            let resident = sm.residentBlocks(warps: traits.decodeWarps ?? traits.warps, registersPerThread: traits.registersPerThread,
                                             sharedBytes: Double(traits.decodeBlockQ * d + traits.decodeBlockKV * (shape.headDim + shape.valueDim)) * 2)
            let parts = Self.kvTileParts(traits, headDim: shape.headDim, valueDim: shape.valueDim)
            let key = SplitKey(grid: grid, slots: processors * resident, keyBlocks: keyBlocks, maxSplits: traits.maxSplits,
                               lean: traits.splitPolicy == .leanAttention, parts: parts)
            let splits: Int
            if let cached = splitCache?.pointee.first(where: { $0.0 == key }) {
                splits = cached.1
            } else {
                splits = traits.splitPolicy == .flashAttention2
                    ? SplitKVHeuristic.splits(gridBlocks: grid, processors: processors * resident, keyBlocks: keyBlocks, maxSplits: traits.maxSplits)
                    : SplitKVHeuristic.leanSplits(gridBlocks: grid, processors: processors, keyBlocks: keyBlocks, maxSplits: traits.maxSplits,
                                                  parts: parts)
                splitCache?.pointee.append((key, splits))
            }
            // cuDNN's single-query kernel runs even unsplit.
            if splits > 1 || traits.splitPolicy == .leanAttention {
                return AttentionMapping(traits: traits, fusion: fusion, blockQ: traits.decodeBlockQ,
                                        blockKV: traits.decodeBlockKV, matrixPath: traits.decodeMatrixPath,
                                        splits: splits, threadBlocks: grid * splits,
                                        realRowsPerTile: min(rows, traits.decodeBlockQ), splitKernel: true, packsGroups: packed)
            }
        }
        let rowBlocks = max(1, ceilDiv(rows, traits.blockQ))
        return AttentionMapping(traits: traits, fusion: fusion, blockQ: traits.blockQ, blockKV: traits.blockKV,
                                matrixPath: traits.matrixPath, splits: 1,
                                threadBlocks: shape.batch * headsInGrid * rowBlocks,
                                realRowsPerTile: min(rows, traits.blockQ), splitKernel: false, packsGroups: packed)
    }

    /// Candidate mappings for the `auto` search: every preset the machine can run, plus tile shapes
    /// and overlap policies around each on its instruction path, kept only when Q, K/V stages and
    /// the accumulators fit in shared memory and the register budget.
    public static func candidates(shape: AttentionShape, sm: SMResources, matrixPaths: [String], registerHeadroom: Double,
                                  elementBytes: Double = 2) -> [AttentionMapping] {
        let sharedMemoryBytes = sm.sharedMemoryBytes, registerFileBytes = sm.registerFileBytes
        var result: [AttentionMapping] = []
        result.reserveCapacity(100)
        var cache: [(SplitKey, Int)] = []
        return withUnsafeMutablePointer(to: &cache) { splitCache in
        let d = max(shape.headDim, shape.valueDim)
        for preset in KernelPreset.allCases where preset != .auto {
            let m = mapping(preset: preset, shape: shape, sm: sm)
            guard m.refusal(shape: shape, matrixPaths: matrixPaths, sharedMemoryBytes: sharedMemoryBytes,
                            registerFileBytes: registerFileBytes, elementBytes: elementBytes) == nil else { continue }
            result.append(m)
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
                        guard smem <= sharedMemoryBytes, registers <= registerFileBytes * registerHeadroom else { continue }
                        // The tile shapes are the regular kernel's; whether to split the key rank is
                        // its own choice below (splitting is not always worth its combine).
                        t.splitKV = false
                        let m = mapping(traits: t, shape: shape, sm: sm, fusion: .fused, splitCache: splitCache)
                        guard m.refusal(shape: shape, matrixPaths: matrixPaths, sharedMemoryBytes: sharedMemoryBytes,
                                        registerFileBytes: registerFileBytes, elementBytes: elementBytes) == nil else { continue }
                        result.append(m)
                    }
                }
            }
            // The split of the key rank (the split kernel's tiles, its heuristic's split count), once
            // per overlap policy.
            for overlap in [0.0, 0.5, 0.85] {
                var t = template
                t.preset = .auto
                t.kernelName = "searched split-KV"
                t.matrixPath = path; t.softmaxOverlap = overlap
                let m = mapping(traits: t, shape: shape, sm: sm, fusion: .fused, splitCache: splitCache)
                guard m.splitKernel, m.refusal(shape: shape, matrixPaths: matrixPaths, sharedMemoryBytes: sharedMemoryBytes,
                                               registerFileBytes: registerFileBytes, elementBytes: elementBytes) == nil else { continue }
                result.append(m)
            }
        }
        return result
        }
    }

    /// What decides a split count (the heuristic's inputs).
    struct SplitKey: Hashable {
        var grid: Int, slots: Int, keyBlocks: Int, maxSplits: Int, lean: Bool, parts: Int
    }

    /// Parts the split-KV kernel of `traits` loads one K/V tile pair in (bf16; 1 when its buffer
    /// holds the pair).
    static func kvTileParts(_ traits: KernelTraits, headDim e: Int, valueDim f: Int) -> Int {
        guard let buffer = traits.decodeKVBufferBytes, buffer > 0 else { return 1 }
        let pair = Double(traits.decodeBlockKV * (e + f)) * 2
        return pair > buffer ? Int((pair / buffer).rounded(.up)) : 1
    }
}

extension AttentionMapping {
    /// Why the machine cannot run this mapping (nil when it can): a matrix path it lacks, a thread
    /// block whose shared memory or registers exceed one SM's.
    public func refusal(shape: AttentionShape, matrixPaths: [String], sharedMemoryBytes: Double,
                        registerFileBytes: Double, elementBytes: Double = 2) -> String? {
        let name = traits.preset == .auto ? "the searched mapping" : "preset '\(traits.preset.rawValue)'"
        if !matrixPaths.isEmpty && !matrixPaths.contains(matrixPath) {
            return "\(name) runs its matrix products on the '\(matrixPath)' path, which this machine's matrix unit does not have (it has: \(matrixPaths.joined(separator: ", ")))"
        }
        let smem = self.sharedMemoryBytes(headDim: shape.headDim, valueDim: shape.valueDim, elementBytes: elementBytes)
        if smem > sharedMemoryBytes {
            return "\(name) needs \(Int(smem)) B of shared memory per thread block (a \(blockQ)x\(shape.headDim) Q tile and \(splitKernel ? 1 : traits.stages) stage(s) of \(blockKV)-key K/V tiles); the machine has \(Int(sharedMemoryBytes)) B per SM"
        }
        if registerBytes > registerFileBytes {
            return "\(name) needs \(Int(registerBytes)) B of registers per thread block (\(traits.registersPerThread) per thread x \(traits.warps * 32) threads); the machine has \(Int(registerFileBytes)) B per SM"
        }
        return nil
    }
}
