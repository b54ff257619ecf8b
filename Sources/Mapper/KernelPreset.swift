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
        case .fa3: return "FlashAttention-3: wgmma, 128x128 tiles, ping-pong softmax/matrix overlap"
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
    public var maxSplits: Int
    /// Latency of one dependent step of the split-KV combine (per split), in seconds.
    public var combineStepSeconds: Double

    public init(
        preset: KernelPreset, kernelName: String, matrixPath: String, blockQ: Int, blockKV: Int,
        warps: Int, registersPerThread: Int, stages: Int, softmaxOverlap: Double,
        extraALUOpsPerScore: Double, sharedMemoryReadsPerTile: Double, decodeBlockQ: Int,
        decodeBlockKV: Int, decodeMatrixPath: String, splitKV: Bool, maxSplits: Int,
        combineStepSeconds: Double
    ) {
        self.preset = preset; self.kernelName = kernelName; self.matrixPath = matrixPath
        self.blockQ = blockQ; self.blockKV = blockKV; self.warps = warps
        self.registersPerThread = registersPerThread; self.stages = stages
        self.softmaxOverlap = softmaxOverlap; self.extraALUOpsPerScore = extraALUOpsPerScore
        self.sharedMemoryReadsPerTile = sharedMemoryReadsPerTile; self.decodeBlockQ = decodeBlockQ
        self.decodeBlockKV = decodeBlockKV; self.decodeMatrixPath = decodeMatrixPath
        self.splitKV = splitKV; self.maxSplits = maxSplits; self.combineStepSeconds = combineStepSeconds
    }
}
