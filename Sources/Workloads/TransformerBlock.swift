import EinsimCore

/// One operation of a transformer block: a matrix product, an attention call, or an elementwise
/// (memory-bound) kernel such as a norm, an activation or a residual add.
public struct BlockOperation: Sendable, Hashable {
    public enum Work: Sendable, Hashable {
        /// `C[m,n] = A[m,k] · B[k,n]` (bf16 operands).
        case gemm(m: Int, n: Int, k: Int)
        /// The block's self-attention call (the variant under study applies here).
        case selfAttention(AttentionShape)
        /// A dense cross-attention call (queries from the block, keys from a conditioning sequence).
        case crossAttention(AttentionShape)
        /// `elements` outputs, each costing `vectorOps` ALU and `specialOps` special-function
        /// operations, moving `bytesPerElement` bytes of DRAM traffic (reads + writes).
        case elementwise(elements: Double, vectorOps: Double, specialOps: Double, bytesPerElement: Double)
    }

    public var name: String
    public var work: Work

    public init(_ name: String, _ work: Work) { self.name = name; self.work = work }

    /// FLOPs of a matrix product (2 per MAC); 0 for the other kinds.
    public var gemmFLOPs: Double {
        if case let .gemm(m, n, k) = work { return 2 * Double(m) * Double(n) * Double(k) }
        return 0
    }
}

/// Choices that change a block's operations (set by the attention variant).
public struct BlockOptions: Sendable, Hashable {
    /// MLA decode with the key/value up-projections absorbed into the query and output.
    public var absorbLatent = false
    /// Mixture-of-heads: a router GEMM (d → heads) per token.
    public var headRouter = false
    public init(absorbLatent: Bool = false, headRouter: Bool = false) {
        self.absorbLatent = absorbLatent; self.headRouter = headRouter
    }
}

/// The operations of one transformer block (one layer) of a model preset, in execution order.
///
/// Pre-norm block: norm → Q/K/V projection (→ RoPE for language models) → attention → output
/// projection → residual; [cross-attention with its projections]; norm → FFN (SwiGLU: gate + up,
/// SiLU·mul, down; GELU: up, GELU, down) → residual. DiTs add the adaLN modulation of each norm
/// and a gated residual. MLA (DeepSeek-V3) projects Q through a 1536-d latent and K/V through the
/// 512 + 64-d latent. Elementwise costs: RMSNorm 4 ALU ops per element reading and writing bf16
/// (4 B), residual add 1 op (6 B), SiLU·mul 3 ops + 1 exp (6 B), GELU (tanh form) 8 ops + 1 exp
/// (4 B), RoPE 3 ops (4 B), modulation 2 ops (4 B).
public enum TransformerBlock {
    public static func operations(model: ModelPreset, phase: Phase, seq: Int, batch: Int,
                                  options: BlockOptions = BlockOptions()) -> [BlockOperation] {
        let tokens = phase == .prefill ? batch * seq : batch
        let t = Double(tokens)
        let d = model.dModel, h = model.heads, kvh = model.kvHeads, hd = model.headDim
        let vd = model.valueDim ?? hd
        let isDiT = !model.causal && model.referenceTokens != nil
        var ops: [BlockOperation] = []
        func ew(_ name: String, _ elements: Double, _ vec: Double, _ sfu: Double, _ bytes: Double) {
            ops.append(.init(name, .elementwise(elements: elements, vectorOps: vec, specialOps: sfu, bytesPerElement: bytes)))
        }
        func norm(_ name: String) {
            ew(name, t * Double(d), 4, 0, 4)
            if isDiT { ew(name + " modulation", t * Double(d), 2, 0, 4) }
        }
        func residual(_ name: String) { ew(name, t * Double(d), isDiT ? 2 : 1, 0, 6) }

        norm("attention norm")
        if options.headRouter { ops.append(.init("head router", .gemm(m: tokens, n: h, k: d))) }
        let shape = model.attentionShape(phase: phase, seq: seq, batch: batch)
        if let mla = model.latent {
            if let ql = mla.qLatent {
                ops.append(.init("q down-projection", .gemm(m: tokens, n: ql, k: d)))
                ew("q latent norm", t * Double(ql), 4, 0, 4)
                ops.append(.init("q up-projection", .gemm(m: tokens, n: h * hd, k: ql)))
            } else {
                ops.append(.init("q projection", .gemm(m: tokens, n: h * hd, k: d)))
            }
            ops.append(.init("kv down-projection", .gemm(m: tokens, n: mla.cachedElementsPerToken, k: d)))
            ew("kv latent norm", t * Double(mla.kvLatent), 4, 0, 4)
            ew("rope", t * Double(h + 1) * Double(mla.ropeDim), 3, 0, 4)
            if options.absorbLatent {
                // Batched over heads: each head's q_nope (nope dims) times its W_UK (nope x latent).
                ops.append(.init("absorb W_UK into q", .gemm(m: tokens, n: h * mla.kvLatent, k: mla.nopeDim)))
                ops.append(.init("self-attention", .selfAttention(shape)))
                ops.append(.init("absorb W_UV into output", .gemm(m: tokens, n: h * vd, k: mla.kvLatent)))
            } else {
                ops.append(.init("kv up-projection", .gemm(m: tokens, n: h * (mla.nopeDim + vd), k: mla.kvLatent)))
                ops.append(.init("self-attention", .selfAttention(shape)))
            }
        } else {
            ops.append(.init("qkv projection", .gemm(m: tokens, n: (h + 2 * kvh) * hd, k: d)))
            if model.causal { ew("rope", t * Double(h + kvh) * Double(hd), 3, 0, 4) }
            ops.append(.init("self-attention", .selfAttention(shape)))
        }
        ops.append(.init("output projection", .gemm(m: tokens, n: d, k: h * vd)))
        residual("attention residual")

        if model.crossAttentionTokens > 0 {
            let text = model.crossAttentionTokens
            ew("cross-attention norm", t * Double(d), 4, 0, 4)
            ops.append(.init("cross q projection", .gemm(m: tokens, n: h * hd, k: d)))
            ops.append(.init("cross kv projection", .gemm(m: batch * text, n: 2 * kvh * hd, k: d)))
            let q = phase == .prefill ? seq : 1
            ops.append(.init("cross-attention", .crossAttention(AttentionShape(batch: batch, heads: h, kvHeads: kvh, qLen: q, kvLen: text, headDim: hd))))
            ops.append(.init("cross output projection", .gemm(m: tokens, n: d, k: h * hd)))
            residual("cross-attention residual")
        }

        norm("ffn norm")
        switch model.ffnKind {
        case .swiGLU:
            ops.append(.init("ffn gate+up", .gemm(m: tokens, n: 2 * model.ffn, k: d)))
            ew("silu x up", t * Double(model.ffn), 3, 1, 6)
        case .gelu:
            ops.append(.init("ffn up", .gemm(m: tokens, n: model.ffn, k: d)))
            ew("gelu", t * Double(model.ffn), 8, 1, 4)
        }
        ops.append(.init("ffn down", .gemm(m: tokens, n: d, k: model.ffn)))
        residual("ffn residual")
        return ops
    }
}
