import Foundation

extension KernelPreset {
    /// The kernel traits this preset pins for a head dimension.
    ///
    /// Sources (H100, PyTorch 2.11, recorded 2026-11-22 in `Calibration/results/h100-micro-2026-11-22.jsonl`):
    /// - fa2: `flash_fwd_kernel<Flash_fwd_kernel_traits<D, BM, BN, 4>>` with (D, BM, BN) = (64, 128, 128),
    ///   (128, 128, 64), (256, 64, 64); decode `flash_fwd_splitkv_kernel<…<128, 64, 128, 4>>` +
    ///   `flash_fwd_splitkv_combine_kernel`.
    /// - cudnn: `…sdpa_sm90_flash_fprop_wgmma_f16_knob_7_64x128xD_4x1x1…`; decode
    ///   `…sdpa_sm80_flash_fprop_wmma_f16_knob_35_16x128x128_1x4x1…` + `lean_reduction_kernel`.
    /// - flex: Triton's default H100 forward config (BLOCK_M 128, BLOCK_N 64, 4 warps, 3 stages).
    /// - fa3: FlashAttention-3 paper's tile shapes (128×128 for d ≤ 128, 128×80 for d = 256).
    /// Overlap fractions and extra ALU work were fitted once per family on the shared H100 file
    /// (see `Calibration/README.md`); they are properties of the kernel, not of a shape.
    public func traits(headDim d: Int) -> KernelTraits {
        KernelTraitsCache.traits(self, headDim: d)
    }

    /// The traits built afresh (``traits(headDim:)`` keeps them per preset and head dimension).
    func makeTraits(headDim d: Int) -> KernelTraits {
        let decodeKV = d <= 64 ? 256 : (d <= 128 ? 128 : 64)
        switch self {
        case .fa2, .auto:
            let (bq, bk) = d <= 64 ? (128, 128) : (d <= 128 ? (128, 64) : (64, 64))
            var t = KernelTraits(
                preset: .fa2, kernelName: "flash_fwd_kernel<\(d), \(bq), \(bk), 4>", matrixPath: "mma.sync",
                blockQ: bq, blockKV: bk, warps: 4, registersPerThread: 255, stages: 1,
                softmaxOverlap: 0.0, extraALUOpsPerScore: 2, sharedMemoryReadsPerTile: 4,
                decodeBlockQ: 64, decodeBlockKV: decodeKV, decodeMatrixPath: "mma.sync",
                splitKV: true, maxSplits: 128)
            // FA2 instantiates head dims 32, 64, 96, …, 256 (`Flash_fwd_kernel_traits<96, …>` ran
            // for d = 80 on the H200: Calibration/results/h200-round3-latency-raw-2026-12-01.jsonl).
            t.headDimTiles = [32, 64, 96, 128, 160, 192, 224, 256]
            t.dispatchesRowBlocksInOrder = true
            // Measured at d = 64 (its 128 x 128 tiles), not at d = 128 (128 x 64): see the trait.
            t.loneBlockWaitsForRaggedTiles = d <= 64
            return t
        case .cudnn:
            var t = KernelTraits(
                preset: .cudnn, kernelName: "sdpa_sm90_flash_fprop_wgmma_f16_64x128x\(d)", matrixPath: "wgmma",
                blockQ: 128, blockKV: 128, warps: 12, registersPerThread: 168, stages: d > 128 ? 1 : 2,
                softmaxOverlap: 0.6, extraALUOpsPerScore: 2, sharedMemoryReadsPerTile: 2,
                decodeBlockQ: 16, decodeBlockKV: 128, decodeMatrixPath: "mma.sync",
                splitKV: true, maxSplits: 128)
            t.splitPolicy = .leanAttention
            t.portablePath = true
            t.prefetchesNextBlock = true
            t.loadsTilesByBulkCopy = true
            t.masksEveryTileOnRaggedKeys = true
            t.decodeWarps = 4
            // cuDNN's sm90 prefill and sm80 lean kernels come in head dims 64, 128, 256: d = 80 and
            // 96 ran `…_64x128x128_…` and `…_16x128x128_…` on the H200 (same file as FA2's).
            t.headDimTiles = [64, 128, 256]
            // Its lean kernel streams 4.33 TB/s with only 128 blocks (B16 over 8192 keys on the H200),
            // twice what one tile pair in flight per block allows at the loaded latency FA2's
            // one-stage split kernel shows: two K/V tile pairs in flight. The same 128 KiB are in
            // flight at d = 64, four of its 32 KiB pairs (B16 over 8192 keys, 128 blocks: 3.82 TB/s
            // at d = 64 against 4.41 at d = 128; h200-cudnn-decode-inflight-2026-12-02).
            t.decodeStages = d <= 64 ? 4 : 2
            // Its K/V buffer: 86,336 B of shared memory per block at d = 128 and at d = 256 alike
            // (ncu and torch.profiler on the H200, Calibration/results/h200-cudnn-decode-inflight-2026-12-02.jsonl):
            // the d = 128 tile pair (128 keys x 256 columns x 2 B = 64 KiB) beside the Q tile and
            // scratch. At d = 256 a pair is 128 KiB: K and V go through the buffer one after the other.
            t.decodeKVBufferBytes = 65536
            // Measured shared memory per block of the lean kernel (same source): 86,336 B at
            // d = 128 and 256 (two blocks per SM), 45,376 B at d = 64.
            t.decodeSharedMemoryBytes = d <= 64 ? 45376 : 86336
            return t
        case .flex:
            // Inductor's H100 bf16 forward defaults: (BLOCK_M, BLOCK_N, warps) = (128, 128, 4) at
            // d = 64, (128, 64, 8) at d = 128, (64, 32, 4) at d = 256; 3 stages. The H200 compiled
            // the same at d = 64 and 128 (the generated kernels' constants, TORCH_LOGS=output_code:
            // Calibration/results/h200-flex-static-raw-2026-12-02.jsonl, flex_round4.py).
            let (bq, bk, warps) = d <= 64 ? (128, 128, 4) : (d <= 128 ? (128, 64, 8) : (64, 32, 4))
            var t = KernelTraits(
                preset: .flex, kernelName: "triton flex_attention (\(bq), \(bk), \(warps) warps, 3 stages)", matrixPath: "wgmma",
                blockQ: bq, blockKV: bk, warps: warps, registersPerThread: 255, stages: 3,
                softmaxOverlap: 0.0, extraALUOpsPerScore: 6, sharedMemoryReadsPerTile: Double(max(1, bq / 64)),
                decodeBlockQ: 64, decodeBlockKV: decodeKV, decodeMatrixPath: "mma.sync",
                splitKV: true, maxSplits: 128)
            t.portablePath = true
            // Its split path follows FA2's (lead: FlexAttention's decoding kernel is not measured).
            t.decodeWarps = 4
            // Triton's tl.dot tiles are powers of two: a head dim pads to the next one (lead: d = 80
            // FlexAttention not measured).
            t.headDimTiles = [16, 32, 64, 128, 256, 512]
            t.dispatchesRowBlocksInOrder = true
            // Measured shared memory per block (torch.profiler launch arguments on the H200,
            // Calibration/results/h200-launch-facts-2026-12-02.jsonl): 116,736 B at d = 64 and
            // 135,168 B at d = 128, 2 and 4 KiB beyond the Q tile and 3 K/V stages. At d = 64 two
            // blocks and their reserved 1 KiB each exceed the SM's 228 KiB: one block per SM.
            switch t.paddedHeadDim(d) {
            case 64: t.sharedMemoryBytes = 116_736
            case 128: t.sharedMemoryBytes = 135_168
            default: break
            }
            return t
        case .fa3:
            let (bq, bk) = d <= 64 ? (192, 128) : (d <= 128 ? (128, 128) : (128, 80))
            var t = KernelTraits(
                preset: .fa3, kernelName: "flash3 fwd (\(bq), \(bk), 3 warpgroups)", matrixPath: "wgmma",
                blockQ: bq, blockKV: bk, warps: 12, registersPerThread: 168, stages: 2,
                softmaxOverlap: 0.85, extraALUOpsPerScore: 2, sharedMemoryReadsPerTile: 2,
                decodeBlockQ: 64, decodeBlockKV: decodeKV, decodeMatrixPath: "wgmma",
                splitKV: true, maxSplits: 128)
            // FlashAttention-3's hopper build instantiates head dims 64, 96, 128, 192, 256 (its
            // repository; not run here: no FA3 build on the measuring machine).
            t.headDimTiles = [64, 96, 128, 192, 256]
            t.prefetchesNextBlock = true
            t.loadsTilesByBulkCopy = true
            return t
        }
    }
}

/// Traits per (preset, head dimension), built once: every preset-mapped sweep point asks, and
/// building them formats the kernel's name.
enum KernelTraitsCache {
    nonisolated(unsafe) private static var known: [Int: KernelTraits] = [:]
    private static let lock = NSLock()

    static func traits(_ preset: KernelPreset, headDim d: Int) -> KernelTraits {
        guard d >= 0, d < 1 << 20 else { return preset.makeTraits(headDim: d) }
        let ordinal: Int
        switch preset {
        case .auto: ordinal = 0
        case .fa2: ordinal = 1
        case .fa3: ordinal = 2
        case .cudnn: ordinal = 3
        case .flex: ordinal = 4
        }
        let key = ordinal << 20 | d
        lock.lock()
        let cached = known[key]
        lock.unlock()
        if let cached { return cached }
        let made = preset.makeTraits(headDim: d)
        lock.lock()
        if known.count > 4096 { known.removeAll() }
        known[key] = made
        lock.unlock()
        return made
    }
}
