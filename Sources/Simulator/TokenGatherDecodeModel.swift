import EinsimCore
import Mapper
import Workloads

/// Decode attention over the tokens a selection picked from the KV cache (Double Sparsity,
/// Quest-like pages, RazorAttention's retrieval heads + local window).
///
/// The compute side is the fused decode kernel over the selected tokens (the same tile model as
/// dense decode, with the selected count as the key length). The memory side is a gather: each
/// selected page (of `pageTokens` tokens) or token is read as separate K and V chunks; a chunk costs
/// whole sectors (`sectorBytes`), and each non-contiguous chunk also costs `gatherOverheadBytes` of
/// bus time (row activation and command overhead that streaming amortizes), so small gathers
/// achieve a fraction chunk / (chunk + overhead) of the streaming bandwidth.
struct TokenGatherDecodeModel {
    let machine: GPUMachine
    let shape: AttentionShape
    let mapping: AttentionMapping
    let selection: TokenSelection
    let costs: ScoreCosts
    let elementBytes: Double


    /// Bytes moved and the bus-time-equivalent bytes of reading the selected K and V of one
    /// (batch, KV head).
    func gatherBytes() -> (moved: Double, busTime: Double) {
        let tokens = selection.tokensRead(kvLen: shape.kvLen)
        let sector = Double(selection.sectorBytes)
        func rounded(_ bytes: Double) -> Double { (bytes / sector).rounded(.up) * sector }
        let kRow = Double(shape.headDim) * elementBytes, vRow = Double(shape.valueDim) * elementBytes
        guard selection.isDynamic, tokens < Double(shape.kvLen) else {
            // Contiguous windows and whole caches (everything selected) stream.
            let bytes = tokens * (kRow + vRow)
            return (bytes, bytes)
        }
        let g = Double(selection.pageTokens)
        let chunks = (tokens / g).rounded(.up)
        let moved = chunks * (rounded(g * kRow) + rounded(g * vRow))
        return (moved, moved + 2 * chunks * machine.gatherOverheadBytes)
    }

    func kernels() -> [KernelCost] {
        var reduced = shape
        reduced.mask = .dense
        reduced.kvLen = max(1, Int(selection.tokensRead(kvLen: shape.kvLen).rounded(.up)))
        let m = AttentionMapper.mapping(traits: mapping.traits, shape: reduced, sm: machine.sm)
        let model = AttentionKernelModel(machine: machine, shape: reduced, mapping: m, costs: costs, elementBytes: elementBytes)
        let layout = model.layout()
        var main = model.cost(layout: layout)
        let b = Double(shape.batch)
        let (moved, busTime) = gatherBytes()
        let heads = b * Double(shape.kvHeads)
        // Q read; O written here, or by the combine kernel when the keys are split.
        let qo = b * Double(shape.heads * shape.qLen * (shape.headDim + (m.splits > 1 ? 0 : shape.valueDim))) * elementBytes
        let index = selection.isDynamic ? heads * selection.tokensRead(kvLen: shape.kvLen) / Double(selection.pageTokens) * 4 : 0
        // Split-KV partial outputs and log-sum-exps (fp32), written and read back by the combine.
        // Split-KV partial outputs and log-sum-exps (fp32) written here, read back by the combine.
        let extra = m.splits > 1 ? b * Double(shape.heads * shape.qLen * (shape.valueDim + 1) * m.splits) * 4 : 0
        let dram = qo + heads * moved + index + extra
        main.name += selection.isDynamic ? " (gathered: \(selection.pageTokens == 1 ? "tokens" : "pages of \(selection.pageTokens)"))" : " (window + retrieval heads)"
        main.memorySeconds = (qo + heads * busTime + index + extra) / machine.dramBandwidth
        main.dramEnergy = dram * machine.energyPerDRAMByte
        main.dramBytes = dram
        main.resources.dram = main.memorySeconds
        machine.applyPowerModel(&main)
        var result = [main]
        if let combine = model.combineCost(layout: layout) { result.append(combine) }
        return result
    }
}
