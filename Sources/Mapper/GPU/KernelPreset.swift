/// Named GPU mapping presets that pin the mapper's choices to known kernels; `auto` searches.
public enum KernelPreset: String, Sendable, Hashable, CaseIterable, Codable {
    case auto
    /// FlashAttention-2: warp-level `mma.sync`, softmax not overlapped with the matrix work.
    case fa2
    /// FlashAttention-3: warpgroup `wgmma`, ping-pong and intra-warpgroup overlap.
    case fa3
    /// cuDNN fused attention (Hopper, warp-specialized `wgmma`).
    case cudnn
    /// FlexAttention: a Triton block-sparse kernel (`wgmma` through Triton, software pipelining only).
    case flex

    /// One line for `einsim list`.
    public var summary: String {
        switch self {
        case .auto: return "the mapper's best mapping for the objective (searches tiles, paths, overlap)"
        case .fa2: return "FlashAttention-2: mma.sync, 128x64 tiles (d=128), softmax serialized with matrix work"
        case .fa3: return "FlashAttention-3: wgmma, 128x128 tiles, ping-pong softmax/matrix overlap [prefill checked on an H200 against flash-attn-4's CuTe port of FA3's Hopper kernel, held out: latency 1.6% median over 7 shapes, energy 3.9% over 3; FA3's own build and its decode unvalidated]"
        case .cudnn: return "cuDNN fused attention: wgmma, two 64-row consumer warpgroups x 128 keys, warp-specialized overlap; sm80 split-KV decode"
        case .flex: return "FlexAttention (Triton): wgmma 128x64 tiles, block-sparse mask, pipelined but not warp-specialized"
        }
    }
}

/// The kernel-level choices of a GPU attention mapping.
///
/// Every field is a mapping decision or an implementation property of a real kernel, with its
/// source: tile shapes and warps come from the kernel names seen on the H100
/// (`Calibration/README.md`), overlap fractions are fitted once per kernel family.
public struct KernelTraits: Sendable, Hashable {
    public var preset: KernelPreset
    /// Kernel name as seen in the profiler (documentation only).
    public var kernelName: String
    /// Instruction path of the matrix unit (`mma.sync` or `wgmma`).
    public var matrixPath: String
    /// Query rows and key columns per tile (per thread block, per iteration).
    public var blockQ: Int
    public var blockKV: Int
    /// Warps per thread block.
    public var warps: Int
    /// Registers per thread (limits thread blocks per SM).
    public var registersPerThread: Int
    /// Shared-memory pipeline stages for K/V tiles.
    public var stages: Int
    /// Fraction of the shorter of (matrix work, softmax work) hidden under the longer:
    /// 0 = serialized in each warp (FA2), → 1 = fully overlapped (ping-pong warpgroups).
    public var softmaxOverlap: Double
    /// FP32 ALU operations per score element that the kernel spends beyond the cascade's own
    /// (softmax scaling, conversion of P to 16 bits, index arithmetic, register moves).
    public var extraALUOpsPerScore: Double
    /// How many times each K/V tile is read from shared memory per iteration (FA2: once per warp,
    /// since every warp multiplies its rows by the whole tile; wgmma: once per warpgroup).
    public var sharedMemoryReadsPerTile: Double
    /// Decode (split-KV) choices: rows per tile (GQA groups are packed into rows), keys per tile,
    /// whether the KV sequence is split over thread blocks, and the path of the decode kernel.
    public var decodeBlockQ: Int
    public var decodeBlockKV: Int
    public var decodeMatrixPath: String
    public var splitKV: Bool
    /// Warps per thread block of the split-KV kernel (nil: as the regular kernel). cuDNN's
    /// `…_16x128x128_1x4x1` lean kernel has 4.
    public var decodeWarps: Int? = nil
    /// True when the kernel is built for whatever matrix path the target has (Triton, cuDNN's
    /// per-architecture kernels): it runs on the machine's fastest path. False for kernels written
    /// for one path (FA3 is Hopper's wgmma only; FA2 is mma.sync).
    public var portablePath: Bool = false
    /// How the kernel decides to split the key rank (see ``SplitPolicy``).
    public var splitPolicy: SplitPolicy = .flashAttention2
    public var maxSplits: Int
    /// Head dimensions the kernel is compiled for (template instantiations, ascending). A call
    /// runs on the smallest one that holds its head dimension, its tiles zero-padded to it: the
    /// padded columns cost matrix work (empty: compiled for any head dimension).
    public var headDimTiles: [Int] = []
    /// K/V tile pairs the split-KV (decode) kernel keeps in flight per thread block (its pipeline
    /// depth): with the loaded memory latency this bounds a stream of few blocks (Little's law).
    public var decodeStages: Int = 1
    /// Bytes of K/V the split-KV kernel's shared-memory buffer holds per thread block (nil: a
    /// whole K/V tile pair, as FA2's). A tile pair larger than the buffer is loaded in parts one
    /// after another, each part's load waiting on the product that frees the buffer: one part in
    /// flight per block, its latency exposed with that product (cuDNN's lean kernel at d = 256).
    public var decodeKVBufferBytes: Double? = nil
    /// Shared memory one thread block of the split-KV kernel holds, when measured (nil: its Q
    /// tile and one K/V tile pair). Sets how many of its blocks an SM holds.
    public var decodeSharedMemoryBytes: Double? = nil
    /// Shared memory one thread block of the regular kernel holds, when measured (nil: its Q tile
    /// and `stages` K/V tiles). Sets how many of its blocks an SM holds; used for the traits' own
    /// tile shape only.
    public var sharedMemoryBytes: Double? = nil
    /// True for a persistent, warp-specialized kernel whose producer warps load the next work
    /// tile's Q, K and V while the consumers finish the current one (cuDNN's sm90 prefill, FA3).
    /// False: each thread block starts by waiting for its first tiles (two dependent DRAM round
    /// trips, the kernel's own start), which nothing hides when the SM holds only that block
    /// (FlexAttention's Triton kernel: one 8-warp block per SM at d = 128).
    public var prefetchesNextBlock: Bool = false
    /// True when a key length that is not a multiple of the key tile makes the kernel mask every
    /// key tile it computes (a bounds-checked main loop), not only the ragged last one. cuDNN's
    /// sm90 prefill kernel does (measured on the H200, `Calibration/results/h200-round5-probe-2026-12-02.jsonl`:
    /// 16 queries over 8192 / 8320 / 8400 keys take 99.8 / 101.3 / 114.3 us, 64 / 65 / 66 key tiles:
    /// the ragged 66th tile adds 13 us, 0.17 us on each of the 66; 4032^2 and 4160^2 take 10% and
    /// 17% longer than 4096^2 and 4224^2). FA2 masks the last tile only (`Is_even_MN`).
    public var masksEveryTileOnRaggedKeys: Bool = false
    /// True when the kernel's grid runs the query-row blocks of each (batch, head) in order,
    /// lightest first under a causal mask, so the hardware dispatches the busiest row block of
    /// the last head last and it runs alone at the end (FA2: `m_block = blockIdx.x` over a
    /// `(num_m_blocks, B, H)` grid; Triton's FlexAttention: `(cdiv(Lq, BLOCK_M), B·H)`). False for
    /// persistent kernels that order their own work (cuDNN's sm90 prefill; FA3 takes the heaviest
    /// first). Measured on the H200 (h200-round5-probe-2026-12-02): FA2 B1 H16/4 3392^2 d64 causal,
    /// 432 blocks, 0.150 ms, where an even spread of its 6048 tiles over the SMs gives 0.11.
    public var dispatchesRowBlocksInOrder: Bool = false
    /// True when a thread block alone on its SM waits for each K/V tile before computing on it
    /// when the call is ragged (a length not a multiple of the tile): its tile time gains the
    /// tile's L2 transfer, which a second block on the SM would hide. FA2 at d = 64 (its
    /// `Is_even_MN = false` variant; measured on the H200, h200-fa2-lone-block-2026-12-02: 288
    /// blocks of B1 H32 over 16384 keys, the last 24 alone, 0.727 ms with 1152 queries, 0.864 with
    /// 1104 and 0.866 over 16320 keys; paired (1000 vs 1024 queries) no difference; d = 128 none).
    public var loneBlockWaitsForRaggedTiles: Bool = false
    /// True when the regular (not split-KV) kernel fills its K/V tiles through the bulk copy
    /// engine (TMA, one producer thread per tile, completion on an mbarrier: FA3, cuDNN's sm90
    /// prefill); false when its threads copy them by `cp.async` (FA2, Triton's FlexAttention).
    /// The two reach different L2 rates (measured on the H200, `h200-l2-paths-2026-12-03`: 16 KiB
    /// tiles into a 3-stage ring, one block per SM, 10.5 TB/s by the copy engine, 5.9 by
    /// `cp.async`); the GPU model streams such tiles at the profile's `l2-bulk-copy-bandwidth`.
    /// The split-KV kernels (FA2's, cuDNN's sm80 lean kernel) load by `cp.async`.
    public var loadsTilesByBulkCopy: Bool = false

    /// The head dimension the kernel's tiles have for a call of head dimension `d`.
    public func paddedHeadDim(_ d: Int) -> Int { headDimTiles.first { $0 >= d } ?? d }

    /// The kernel family whose implementation properties this mapping shares: the preset, or for
    /// a searched mapping the family its template came from (wgmma: fa3, otherwise fa2).
    public var family: KernelPreset { preset != .auto ? preset : (matrixPath == "wgmma" ? .fa3 : .fa2) }

    public init(
        preset: KernelPreset, kernelName: String, matrixPath: String, blockQ: Int, blockKV: Int,
        warps: Int, registersPerThread: Int, stages: Int, softmaxOverlap: Double,
        extraALUOpsPerScore: Double, sharedMemoryReadsPerTile: Double, decodeBlockQ: Int,
        decodeBlockKV: Int, decodeMatrixPath: String, splitKV: Bool, maxSplits: Int
    ) {
        self.preset = preset; self.kernelName = kernelName; self.matrixPath = matrixPath
        self.blockQ = blockQ; self.blockKV = blockKV; self.warps = warps
        self.registersPerThread = registersPerThread; self.stages = stages
        self.softmaxOverlap = softmaxOverlap; self.extraALUOpsPerScore = extraALUOpsPerScore
        self.sharedMemoryReadsPerTile = sharedMemoryReadsPerTile; self.decodeBlockQ = decodeBlockQ
        self.decodeBlockKV = decodeBlockKV; self.decodeMatrixPath = decodeMatrixPath
        self.splitKV = splitKV; self.maxSplits = maxSplits
    }
}

/// When and how far a kernel family splits the key rank over thread blocks.
public enum SplitPolicy: String, Sendable, Hashable {
    /// FlashAttention-2's `num_splits_heuristic` at every q_len, given 2 × the SMs (its split
    /// kernel keeps two 128-thread blocks per SM); measured on an H200
    /// (`Calibration/results/h200-dispatch-2026-12-01.jsonl`: 29 splits at B1 H32/8 1×32768,
    /// 7 at 2-64 queries, 4 at 65-128, 2 at 256 and at B16 decode, none at B32 decode).
    case flashAttention2
    /// cuDNN: only a single query per head takes its split ("lean attention") kernel, and only
    /// when the grid leaves SMs idle (< 80%); it splits into the largest power of two of blocks
    /// ≤ 2 × SMs / grid. Two or more queries run the prefill kernel unsplit. Inferred from the
    /// measured grids (same file: 32, 8, 4 splits at B1, B4, B8 decode over 8 KV heads; none at
    /// B16; 32 CTAs for 2-128 queries of 32 heads).
    case leanAttention
}
