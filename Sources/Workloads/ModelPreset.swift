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

    /// The attention call of one layer for `phase` at sequence length `seq` and `batch`.
    public func attentionShape(phase: Phase, seq: Int, batch: Int) -> AttentionShape {
        switch phase {
        case .prefill:
            return AttentionShape(batch: batch, heads: heads, kvHeads: kvHeads, qLen: seq, kvLen: seq, headDim: headDim, causal: causal)
        case .decode:
            return AttentionShape(batch: batch, heads: heads, kvHeads: kvHeads, qLen: 1, kvLen: seq, headDim: headDim, causal: false)
        }
    }

    public static let all: [ModelPreset] = [
        .init(name: "llama-3-8b", layers: 32, dModel: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336, causal: true, source: "Llama 3 model card"),
        .init(name: "llama-3-70b", layers: 80, dModel: 8192, heads: 64, kvHeads: 8, headDim: 128, ffn: 28672, causal: true, source: "Llama 3 model card"),
        .init(name: "gpt-3-175b", layers: 96, dModel: 12288, heads: 96, kvHeads: 96, headDim: 128, ffn: 49152, causal: true, source: "Brown et al. 2020"),
        .init(name: "wan2.1-1.3b", layers: 30, dModel: 1536, heads: 12, kvHeads: 12, headDim: 128, ffn: 8960, causal: false, source: "Wan2.1 (480p, 81 frames ≈ 32,760 tokens)"),
        .init(name: "hunyuanvideo", layers: 60, dModel: 3072, heads: 24, kvHeads: 24, headDim: 128, ffn: 12288, causal: false, source: "HunyuanVideo (720p 129 frames ≈ 110K tokens)"),
        .init(name: "flux.1-dev", layers: 57, dModel: 3072, heads: 24, kvHeads: 24, headDim: 128, ffn: 12288, causal: false, source: "FLUX.1-dev (1024² ≈ 4096 + 512 tokens)"),
        .init(name: "bert", layers: 12, dModel: 768, heads: 12, kvHeads: 12, headDim: 64, ffn: 3072, causal: false, source: "FuseMax workloads"),
        .init(name: "trxl", layers: 18, dModel: 1024, heads: 16, kvHeads: 16, headDim: 64, ffn: 4096, causal: false, source: "FuseMax workloads"),
        .init(name: "t5", layers: 12, dModel: 512, heads: 8, kvHeads: 8, headDim: 64, ffn: 2048, causal: false, source: "FuseMax workloads"),
        .init(name: "xlm", layers: 12, dModel: 2048, heads: 16, kvHeads: 16, headDim: 128, ffn: 8192, causal: false, source: "FuseMax workloads"),
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
