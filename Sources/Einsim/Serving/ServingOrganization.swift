/// How a system runs batched decoding: which device runs attention, and whether the batch is
/// split into sub-batches that interleave on the devices (the `--mapping` of `--scope serving`).
public enum ServingOrganization: String, Sendable, Hashable, CaseIterable {
    /// A GPU runs everything (attention as decode kernels over its HBM).
    case gpuOnly = "gpu-only"
    /// An NPU runs everything (attention GEMVs on its arrays, the KV cache read over the bus).
    case npuOnly = "npu-only"
    /// NPU + PIM, one batch: attention GEMVs on the PIM banks, the rest on the NPU, one after
    /// the other (on a single-row-buffer PIM this is Newton-style "blocked" PIM).
    case npuPIM = "npu+pim"
    /// NeuPIMs: NPU + PIM with the batch split into two sub-batches, one's GEMMs on the NPU while
    /// the other's attention runs in the banks (needs dual row buffers to pay off).
    case neupims
    /// AttAcc: a GPU runs the GEMMs, HBM3 bank PIM the attention GEMVs.
    case attacc
    /// Attention offloading (Lamina): compute devices run the non-attention layers, memory
    /// devices (the PIM stacks) run attention; two sub-batches keep both busy; queries, keys,
    /// values and outputs cross the link between them.
    case offload

    /// Attention on the PIM banks (else on the compute device).
    public var attentionOnPIM: Bool { self != .gpuOnly && self != .npuOnly }
    /// The sub-batch counts the mapper may choose from (1 = the batch runs as one). NeuPIMs
    /// interleaves two sub-batches where that is faster: each sub-batch streams the layer's
    /// weights again, so interleaving pays only once a sub-batch's GEMMs are compute-bound
    /// (NeuPIMs' simulator enables it at batch ≥ 256; here the mapper times both).
    public var subBatchChoices: [Int] {
        switch self {
        case .neupims: return [1, 2]
        case .offload: return [2]
        default: return [1]
        }
    }
    /// Queries/keys/values and outputs move over the link to the attention devices.
    public var transfersOverLink: Bool { self == .offload }

    public var summary: String {
        switch self {
        case .gpuOnly: return "GPU runs GEMMs and attention"
        case .npuOnly: return "NPU runs GEMMs and attention (KV cache over the external bus)"
        case .npuPIM: return "NPU GEMMs, then PIM attention GEMVs (one batch)"
        case .neupims: return "NPU GEMMs of one sub-batch overlap PIM attention of the other (NeuPIMs)"
        case .attacc: return "GPU GEMMs, HBM3 bank-PIM attention (AttAcc)"
        case .offload: return "compute devices + attention on memory devices, two sub-batches, transfers over the link (Lamina)"
        }
    }
}
