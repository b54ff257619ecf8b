import EinsimCore
import Mapper
import Simulator
import Workloads

extension Experiment {
    /// Simulates one attention call under a variant spec: the mask on the shape, the variant's
    /// predictor cascade (if any) as kernels before the attention, decode token gathers where the
    /// variant selects tokens. Without a predictor or token selection this is `simulateAttention`.
    public static func simulateVariant(_ spec: VariantSpec, shape base: AttentionShape, preset: KernelPreset,
                                       machine: GPUMachine, algorithm: AttentionAlgorithm? = nil,
                                       objective: Objective = .latency) throws -> SimulationResult {
        var shape = base
        shape.mask = spec.mask
        try checkGeometry(spec.mask, shape: shape)
        var pattern: SparsePattern?
        if case let .pattern(p) = spec.mask { pattern = p }
        let decodeSelection = pattern?.decode != nil && shape.isDecode
        if pattern?.decode != nil && !shape.isDecode {
            throw SimpleInputError("variant '\(spec.text)' selects tokens from the KV cache: it needs a decode shape",
                                   suggestion: "use --phase decode, or --q-len 1 with a longer --kv-len")
        }
        guard spec.predictor != nil || decodeSelection else {
            return try simulateAttention(shape: shape, preset: preset, machine: machine, algorithm: algorithm, objective: objective)
        }
        let algorithm = try algorithm ?? AlgorithmResolver.resolve("1pass", shape: shape)
        try checkFits(shape.compulsoryBytes(), capacity: machine.dramCapacity, machine: machine.name)
        let mapping: AttentionMapping
        if preset != .auto {
            mapping = try Experiment.presetMapping(preset, shape: shape, machine: machine)
        } else {
            mapping = MappingSearch.best(shape: shape, algorithm: algorithm, machine: machine, objective: objective).mapping
        }
        var block = 128
        if case let .blockSparse(_, b, _) = spec.mask { block = b }
        if let pattern { block = pattern.block }
        let predictor = try spec.predictor.map { try PredictorResolver.passes($0, shape: shape, block: block, pattern: pattern) } ?? []
        let engine = RooflineEngine()
        let result = engine.evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, predictor: predictor)
        guard Experiment.engine == .cycle else { return result }
        let kernels = engine.variantKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, predictor: predictor).kernels
        return try Experiment.retimed(result, kernels: kernels, machine: machine)
    }

    /// A neighborhood's grid must hold exactly the call's keys.
    static func checkGeometry(_ mask: MaskModel, shape: AttentionShape) throws {
        guard case let .pattern(p) = mask, let local = p.local, !local.grid.isEmpty else { return }
        let tokens = local.grid.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard tokens == shape.kvLen, shape.qLen == shape.kvLen else {
            throw SimpleInputError("neighborhood grid \(local.grid.map(String.init).joined(separator: "x")) holds \(tokens) tokens, but the call has \(shape.qLen) queries and \(shape.kvLen) keys",
                                   suggestion: "give --q-len \(tokens) (self-attention over the grid)")
        }
    }
}
