/// How the attention output is computed, when it is not softmax(QKᵀ)·V over the (masked) scores.
///
/// Each case names the cascade (`Examples/cascades/`) that defines its work; the simulator costs
/// the cascade's operation counts and tensor bytes, never a fixed speedup.
public enum AttentionAlgebra: Sendable, Hashable {
    /// softmax(QKᵀ)·V (dense or masked): Cascade 5 and its relatives.
    case softmax
    /// Lightning Attention (TransNormerLLM): an intra-block quadratic part over blocks of `block`
    /// tokens plus an inter-block KV-state recurrence (`linear-attention.einsum`); in decode a
    /// constant-size state update (`linear-attention-decode.einsum`).
    case linear(block: Int)
    /// SLA: the `critical` fraction of key blocks as block-sparse softmax attention, the `marginal`
    /// fraction as linear attention over the block KV states (`sla-marginal.einsum`), the rest skipped.
    case sparseLinear(critical: Double, marginal: Double, block: Int)
    /// Multi-head latent attention: in decode, attention over the latent cache of `latent + rope`
    /// dimensions with the up-projections absorbed (`mla-decode.einsum`); in prefill, standard
    /// attention on the up-projected heads.
    case latent(latent: Int, rope: Int)
    /// Mixture-of-head attention: each token is routed to an `active` fraction of the heads.
    case mixtureOfHeads(active: Double)
}
