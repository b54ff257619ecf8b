import EinsimCore

/// A GPU mapping of one attention call: the binding, tiling, distribution and overlap the mapper
/// chose (or a preset pinned). The engines turn it into time and energy.
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
    /// Rows per tile (GQA groups packed into rows in decode) and keys per tile.
    public var blockQ: Int
    public var blockKV: Int
    /// Matrix instruction path the tiles run on.
    public var matrixPath: String
    /// Key/value splits (decode), 1 otherwise.
    public var splits: Int
    /// Thread blocks in the grid.
    public var threadBlocks: Int
    /// Rows of the score matrix each tile covers that are real (not padding), ≤ blockQ.
    public var realRowsPerTile: Int
    /// True when the decode (split-KV) kernel is used.
    public var decode: Bool

    public init(traits: KernelTraits, fusion: Fusion, blockQ: Int, blockKV: Int, matrixPath: String,
                splits: Int, threadBlocks: Int, realRowsPerTile: Int, decode: Bool) {
        self.traits = traits; self.fusion = fusion; self.blockQ = blockQ; self.blockKV = blockKV
        self.matrixPath = matrixPath; self.splits = splits; self.threadBlocks = threadBlocks
        self.realRowsPerTile = realRowsPerTile; self.decode = decode
    }

    /// The loop nest as text (outermost first), for `einsim map` and reports.
    public var loopNest: String {
        if decode {
            return """
            parallel-for tb in 0..<\(threadBlocks)            // (b, kv-head, row-block, split) over SMs
              for m1 in split's key tiles (\(blockKV) keys)    // K/V tiles streamed HBM → smem
                \(matrixPath) QK[\(blockQ)x\(blockKV)], online softmax, \(matrixPath) PV   // \(realRowsPerTile) real rows of \(blockQ)
            \(splits > 1 ? "combine kernel: rescale and sum \(splits) partial outputs" : "")
            """
        }
        return """
        parallel-for tb in 0..<\(threadBlocks)              // (b, h, p1) over SMs, \(blockQ) queries each
          load Q tile → registers/smem
          for m1 in key tiles (\(blockKV) keys, causal/sparse tiles skipped)
            \(matrixPath) BQK = Q·K      | max, sub-exp, sum   | \(matrixPath) SLNV = P·V
            (softmax overlap with matrix work: \(traits.softmaxOverlap))
          AV = RNV / RD → store O
        """
    }
}
