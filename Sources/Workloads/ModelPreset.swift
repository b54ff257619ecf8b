import EinsimCore

/// Attention shapes of real models (reference: shared/reference/attention-variants.md, fusemax-flat.md).
public struct ModelPreset: Sendable, Hashable {
    public var name: String
    public var layers: Int
    public var dModel: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var ffn: Int
    /// Causal (language models) or bidirectional (encoders, DiTs).
    public var causal: Bool
    public var source: String
    /// Feed-forward form: SwiGLU (gate + up + down, Llama) or a 2-matrix GELU MLP (GPT, BERT, DiTs).
    public var ffnKind: FFNKind = .gelu
    /// Multi-head latent attention dimensions (DeepSeek-V3); nil for standard attention.
    public var latent: LatentAttention? = nil
    /// Value head dimension when it differs from `headDim` (MLA: 192 for Q·K, 128 for P·V).
    public var valueDim: Int? = nil
    /// Text tokens attended by a cross-attention layer in every block (Wan2.1); 0 when none.
    public var crossAttentionTokens: Int = 0
    /// Sequence length (tokens per sample) of the model's reference workload, when the source names one.
    public var referenceTokens: Int? = nil

    /// The attention call of one layer for `phase` at sequence length `seq` and `batch`.
    public func attentionShape(phase: Phase, seq: Int, batch: Int) -> AttentionShape {
        switch phase {
        case .prefill:
            return AttentionShape(batch: batch, heads: heads, kvHeads: kvHeads, qLen: seq, kvLen: seq, headDim: headDim,
                                  valueDim: valueDim, causal: causal)
        case .decode:
            return AttentionShape(batch: batch, heads: heads, kvHeads: kvHeads, qLen: 1, kvLen: seq, headDim: headDim,
                                  valueDim: valueDim, causal: false)
        }
    }

    public static let all: [ModelPreset] = [
        .init(name: "llama-3-8b", layers: 32, dModel: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336, causal: true, source: "Llama 3 model card", ffnKind: .swiGLU),
        .init(name: "llama-3-70b", layers: 80, dModel: 8192, heads: 64, kvHeads: 8, headDim: 128, ffn: 28672, causal: true, source: "Llama 3 model card", ffnKind: .swiGLU),
        .init(name: "deepseek-v3", layers: 61, dModel: 7168, heads: 128, kvHeads: 128, headDim: 192, ffn: 18432, causal: true,
              source: "DeepSeek-V3 report: MLA (128 nope + 64 rope, KV latent 512, q latent 1536); FFN = 9 active experts x 2048 (1 shared + 8 routed), SwiGLU",
              ffnKind: .swiGLU, latent: LatentAttention(kvLatent: 512, ropeDim: 64, qLatent: 1536, nopeDim: 128), valueDim: 128),
        .init(name: "gpt-3-125m", layers: 12, dModel: 768, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, causal: true, source: "Brown et al. 2020, Table 2.1 (Small)"),
        .init(name: "gpt-3-350m", layers: 24, dModel: 1024, heads: 16, kvHeads: 16, headDim: 64, ffn: 4096, causal: true, source: "Brown et al. 2020, Table 2.1 (Medium)"),
        .init(name: "gpt-3-760m", layers: 24, dModel: 1536, heads: 16, kvHeads: 16, headDim: 96, ffn: 6144, causal: true, source: "Brown et al. 2020, Table 2.1 (Large)"),
        .init(name: "gpt-3-1.3b", layers: 24, dModel: 2048, heads: 24, kvHeads: 24, headDim: 128, ffn: 8192, causal: true, source: "Brown et al. 2020, Table 2.1 (XL)"),
        .init(name: "gpt-3-2.7b", layers: 32, dModel: 2560, heads: 32, kvHeads: 32, headDim: 80, ffn: 10240, causal: true, source: "Brown et al. 2020, Table 2.1"),
        .init(name: "gpt-3-6.7b", layers: 32, dModel: 4096, heads: 32, kvHeads: 32, headDim: 128, ffn: 16384, causal: true, source: "Brown et al. 2020, Table 2.1"),
        .init(name: "gpt-3-13b", layers: 40, dModel: 5120, heads: 40, kvHeads: 40, headDim: 128, ffn: 20480, causal: true, source: "Brown et al. 2020, Table 2.1"),
        .init(name: "gpt-3-30b", layers: 48, dModel: 7168, heads: 56, kvHeads: 56, headDim: 128, ffn: 28672, causal: true,
              source: "NeuPIMs workloads (pim.md: 56 heads, d=7168); 48 layers and FFN 4d as OPT-30B (lead: pim.md gives no layer count)"),
        .init(name: "gpt-3-175b", layers: 96, dModel: 12288, heads: 96, kvHeads: 96, headDim: 128, ffn: 49152, causal: true, source: "Brown et al. 2020"),
        .init(name: "wan2.1-1.3b", layers: 30, dModel: 1536, heads: 12, kvHeads: 12, headDim: 128, ffn: 8960, causal: false, source: "Wan2.1 (480p, 81 frames ≈ 32,760 tokens; cross-attention to 512 text tokens)",
              crossAttentionTokens: 512, referenceTokens: 32760),
        .init(name: "hunyuanvideo", layers: 60, dModel: 3072, heads: 24, kvHeads: 24, headDim: 128, ffn: 12288, causal: false, source: "HunyuanVideo (720p 129 frames ≈ 110K tokens; 20 dual + 40 single-stream blocks, joint text tokens)",
              referenceTokens: 108000),
        .init(name: "flux.1-dev", layers: 57, dModel: 3072, heads: 24, kvHeads: 24, headDim: 128, ffn: 12288, causal: false, source: "FLUX.1-dev (1024² ≈ 4096 + 512 tokens; 19 dual + 38 single-stream blocks)",
              referenceTokens: 4608),
        .init(name: "bert", layers: 12, dModel: 768, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, causal: false, source: "FuseMax workloads (BERT-base)"),
        .init(name: "trxl", layers: 18, dModel: 1024, heads: 16, kvHeads: 16, headDim: 64, ffn: 4096, causal: false, source: "FuseMax workloads (Transformer-XL)"),
        .init(name: "t5", layers: 12, dModel: 512, heads: 8, kvHeads: 8, headDim: 64, ffn: 2048, causal: false, source: "FuseMax workloads (T5-small encoder)"),
        .init(name: "xlm", layers: 12, dModel: 2048, heads: 16, kvHeads: 16, headDim: 128, ffn: 8192, causal: false, source: "FuseMax workloads (XLM)"),
    ]

    /// The preset named `name` (case-insensitive), or an input error with a suggestion.
    public static func named(_ name: String) throws -> ModelPreset {
        if let m = all.first(where: { $0.name == name.lowercased() }) { return m }
        throw SimpleInputError("unknown model '\(name)'",
                               suggestion: Suggestions.didYouMean(name, in: all.map(\.name)) ?? "run 'einsim list' for the model presets")
    }
}

/// Inference phase.
public enum Phase: String, Sendable, Hashable, CaseIterable, Codable {
    case prefill, decode
}
