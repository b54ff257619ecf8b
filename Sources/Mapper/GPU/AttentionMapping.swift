import EinsimCore

/// A GPU mapping of one attention call: the binding, tiling, distribution and overlap the mapper
/// chose (or a preset pinned). The engines turn it into time and energy; ``loopNest(for:)`` gives
/// the same choices as a target-neutral ``LoopNest`` (tile sizes as level factors, the SM grid as
/// spatial factors, split-KV as a spatial partition of the key rank).
public struct AttentionMapping: Sendable, Hashable {
    /// How the cascade's passes become kernels.
    public enum Fusion: String, Sendable, Hashable, Codable {
        /// One fused kernel (1-pass cascade): intermediates stay in registers / shared memory.
        case fused
        /// One kernel per pass, intermediates round-trip through DRAM (2- and 3-pass cascades).
        case perPass = "per-pass"
    }

    public var traits: KernelTraits
    public var fusion: Fusion
    /// Rows per tile (GQA groups packed into rows when ``packsGroups``) and keys per tile.
    public var blockQ: Int
    public var blockKV: Int
    /// Matrix instruction path the tiles run on.
    public var matrixPath: String
    /// Thread blocks the key rank is split over (1 = no split, no combine Einsum).
    public var splits: Int
    /// Thread blocks in the grid.
    public var threadBlocks: Int
    /// Rows of the score matrix each tile covers that are real (not padding), ≤ blockQ.
    public var realRowsPerTile: Int
    /// True when the kernel is the split-KV kernel (its own tile shape and path; a combine kernel
    /// follows when `splits > 1`).
    public var splitKernel: Bool
    /// True when the query heads of a KV head are folded into the rows of one tile (GQA packing:
    /// FlashAttention-2's `seqlenq_ngroups_swapped`, a single query per head).
    public var packsGroups: Bool

    public init(traits: KernelTraits, fusion: Fusion, blockQ: Int, blockKV: Int, matrixPath: String,
                splits: Int, threadBlocks: Int, realRowsPerTile: Int, splitKernel: Bool, packsGroups: Bool) {
        self.traits = traits; self.fusion = fusion; self.blockQ = blockQ; self.blockKV = blockKV
        self.matrixPath = matrixPath; self.splits = splits; self.threadBlocks = threadBlocks
        self.realRowsPerTile = realRowsPerTile; self.splitKernel = splitKernel; self.packsGroups = packsGroups
    }

    /// Shared memory one thread block holds: the Q tile plus `stages` K/V tiles.
    /// The split-KV kernel's measured shared memory where its traits give it.
    public func sharedMemoryBytes(headDim e: Int, valueDim f: Int, elementBytes: Double) -> Double {
        if splitKernel, let measured = traits.decodeSharedMemoryBytes, measured > 0 { return measured }
        if !splitKernel, let measured = traits.sharedMemoryBytes, measured > 0,
           blockQ == traits.blockQ, blockKV == traits.blockKV { return measured }
        let stages = splitKernel ? 1 : traits.stages
        return (Double(blockQ * e) + Double(stages * blockKV * (e + f))) * elementBytes
    }

    /// Parts the split-KV kernel loads a K/V tile pair of `pairBytes` in, one after another
    /// (1 when its buffer holds the pair, or for the regular kernel).
    public func kvTileParts(pairBytes: Double) -> Int {
        guard splitKernel, let buffer = traits.decodeKVBufferBytes, buffer > 0, pairBytes > buffer else { return 1 }
        return Int((pairBytes / buffer).rounded(.up))
    }

    /// Register file bytes one thread block holds (registers per thread × threads × 4 B).
    public var registerBytes: Double { Double(traits.registersPerThread * warps * 32) * 4 }

    /// Warps per thread block of the kernel this mapping runs.
    public var warps: Int { splitKernel ? (traits.decodeWarps ?? traits.warps) : traits.warps }
}

/// What one SM offers a thread block (from the profile): how many SMs, and the limits that decide
/// how many thread blocks of a kernel are resident on one SM at once.
public struct SMResources: Sendable, Hashable {
    public var processors: Int
    public var registerFileBytes: Double
    public var sharedMemoryBytes: Double
    public var maxThreadBlocks: Int
    public var maxThreads: Int
    /// The matrix unit's instruction paths, fastest first.
    public var matrixPaths: [String]
    /// Shared memory the system reserves per resident thread block beside the block's own
    /// (CUDA: 1 KiB on sm80 and sm90, `cudaDevAttrReservedSharedMemoryPerBlock`).
    public var reservedSharedBytesPerBlock: Double
    public init(processors: Int, registerFileBytes: Double, sharedMemoryBytes: Double, maxThreadBlocks: Int, maxThreads: Int,
                matrixPaths: [String] = [], reservedSharedBytesPerBlock: Double = 0) {
        self.processors = processors; self.registerFileBytes = registerFileBytes; self.sharedMemoryBytes = sharedMemoryBytes
        self.maxThreadBlocks = maxThreadBlocks; self.maxThreads = maxThreads; self.matrixPaths = matrixPaths
        self.reservedSharedBytesPerBlock = reservedSharedBytesPerBlock
    }

    /// Resident thread blocks per SM of a kernel with `warps` warps, `registersPerThread`
    /// registers and `sharedBytes` of shared memory per block (at least 1).
    public func residentBlocks(warps: Int, registersPerThread: Int, sharedBytes: Double) -> Int {
        let threads = max(32, warps * 32)
        var blocks = min(maxThreadBlocks, maxThreads / threads)
        let registers = Double(registersPerThread * threads) * 4
        if registers > 0 { blocks = min(blocks, Int(registerFileBytes / registers)) }
        if sharedBytes > 0 { blocks = min(blocks, Int(sharedMemoryBytes / (sharedBytes + max(0, reservedSharedBytesPerBlock)))) }
        return max(1, blocks)
    }

    /// Resident thread blocks of `mapping` per SM.
    public func residentBlocks(_ mapping: AttentionMapping, headDim e: Int, valueDim f: Int, elementBytes: Double) -> Int {
        residentBlocks(warps: mapping.warps, registersPerThread: mapping.traits.registersPerThread,
                       sharedBytes: mapping.sharedMemoryBytes(headDim: e, valueDim: f, elementBytes: elementBytes))
    }
}
