/// Dimensions of multi-head latent attention (MLA, DeepSeek-V2/V3).
///
/// Keys and values are cached as one low-rank latent of `kvLatent` dimensions plus a shared
/// `ropeDim`-dimensional rotary key; each head's key is `nopeDim` up-projected dimensions plus the
/// rotary part, its value `valueDim` up-projected dimensions. In decode the key up-projection is
/// absorbed into the query and the value up-projection into the output, so attention reads the
/// latent cache directly (one shared "KV head" of `kvLatent + ropeDim` dimensions).
public struct LatentAttention: Sendable, Hashable {
    public var kvLatent: Int
    public var ropeDim: Int
    /// Query low-rank dimension (nil: the query is projected directly from the model dimension).
    public var qLatent: Int?
    public var nopeDim: Int

    public init(kvLatent: Int, ropeDim: Int, qLatent: Int?, nopeDim: Int) {
        self.kvLatent = kvLatent; self.ropeDim = ropeDim; self.qLatent = qLatent; self.nopeDim = nopeDim
    }

    /// Cached elements per token per layer (latent + rotary key).
    public var cachedElementsPerToken: Int { kvLatent + ropeDim }
}

/// The feed-forward form of a transformer block.
public enum FFNKind: String, Sendable, Hashable, CaseIterable {
    /// Two matrices with a GELU between them: up (d → ffn), down (ffn → d).
    case gelu
    /// SwiGLU: gate and up (d → ffn each), SiLU(gate) · up, down (ffn → d).
    case swiGLU = "swiglu"
}
