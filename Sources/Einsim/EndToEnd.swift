import EinsimCore
import Mapper
import Simulator
import Workloads

/// A whole model's forward pass (layers × steps × one transformer block) and the part of it
/// spent in self-attention.
public struct EndToEndResult: Sendable {
    /// The whole run: every block of every layer, every step (one clock ratio under the power limit).
    public var result: SimulationResult
    /// One block (one layer, one step).
    public var block: SimulationResult
    /// Seconds of the whole run spent in self-attention kernels.
    public var attentionSeconds: Double
    /// The self-attention shape as the variant computes it.
    public var attentionShape: AttentionShape
    public var layers: Int
    public var steps: Int

    /// Fraction of the end-to-end latency spent in self-attention.
    public var attentionShare: Double { result.latencySeconds > 0 ? attentionSeconds / result.latencySeconds : 0 }
}

/// End-to-end simulation: every operation of a transformer block as a kernel — GEMMs through the
/// tile-level GEMM model, attention through the variant's plan, norms and activations as
/// memory/ALU-bound kernels — run back to back under one power limit, times layers × steps
/// (DiT generation: denoising steps; language models: 1 forward pass, or generated tokens in decode).
public enum EndToEnd {
    public static func simulate(model: ModelPreset, phase: Phase, seq: Int, batch: Int, steps: Int = 1,
                                variant: VariantSpec, algorithm: String = "1pass", preset: KernelPreset,
                                objective: Objective = .latency, machine: GPUMachine) throws -> EndToEndResult {
        var options = BlockOptions()
        if case .latent = variant.algebra, phase == .decode { options.absorbLatent = true }
        if case .mixtureOfHeads = variant.algebra { options.headRouter = true }
        let operations = TransformerBlock.operations(model: model, phase: phase, seq: seq, batch: batch, options: options)
        let engine = RooflineEngine()
        var kernels: [KernelCost] = []
        var attentionIndices: [Int] = []
        var flops = 0.0, compulsory = 0.0
        var attentionShape = model.attentionShape(phase: phase, seq: seq, batch: batch)
        var attentionName = ""
        for op in operations {
            switch op.work {
            case let .gemm(m, n, k):
                let g = GEMMShape(m: m, n: n, k: k)
                var kernel = engine.gemmKernel(g, machine: machine)
                kernel.name = "\(op.name): \(kernel.name)"
                kernels.append(kernel)
                flops += g.flops; compulsory += g.compulsoryBytes
            case let .selfAttention(shape):
                let plan = try AttentionPlanner.plan(shape: shape, variant: variant, algorithm: algorithm, preset: preset,
                                                     objective: objective, machine: machine)
                for var kernel in plan.kernels {
                    kernel.name = "\(op.name): \(kernel.name)"
                    attentionIndices.append(kernels.count)
                    kernels.append(kernel)
                }
                flops += plan.flops; compulsory += plan.compulsoryBytes
                attentionShape = plan.shape; attentionName = plan.kernelName
            case let .crossAttention(shape):
                let plan = try AttentionPlanner.plan(shape: shape, variant: try VariantSpec.parse("dense"), preset: preset,
                                                     objective: objective, machine: machine)
                kernels += plan.kernels.map { var k = $0; k.name = "\(op.name): \(k.name)"; return k }
                flops += plan.flops; compulsory += plan.compulsoryBytes
            case let .elementwise(elements, vec, sfu, bytes):
                var ops = OperationCounts()
                ops[.vectorAdd] = elements * vec
                ops[.specialFunction] = elements * sfu
                kernels.append(engine.passKernel(PassWork(name: op.name, operations: ops, dramBytes: elements * bytes), machine: machine))
                compulsory += elements * bytes
            }
        }
        var block = engine.finish(kernels: kernels, machine: machine, kernelName: "block (\(attentionName))", flops: flops,
                                  compulsoryBytes: compulsory, loopNest: kernels.map(\.name).joined(separator: "\n"))
        // The cycle engine (when it is the task's): every kernel of the block as its tile loop.
        block = try Experiment.retimed(block, kernels: kernels, machine: machine)
        let attentionBlockSeconds = attentionIndices.reduce(0.0) { $0 + (block.kernels[safe: $1]?.seconds ?? 0) }
        let repeats = Double(model.layers) * Double(max(1, steps))
        var total = block.scaled(by: repeats)
        total.kernel = attentionName
        return EndToEndResult(result: total, block: block, attentionSeconds: attentionBlockSeconds * repeats,
                              attentionShape: attentionShape, layers: model.layers, steps: max(1, steps))
    }
}

extension SimulationResult {
    /// The result of running the same work `factor` times back to back (latency, energy, FLOPs,
    /// bytes and breakdowns scale; ratios — clock, power, percent of roofline — do not).
    func scaled(by factor: Double) -> SimulationResult {
        var r = self
        r.latencySeconds *= factor; r.energyJoules *= factor; r.flops *= factor
        r.dramBytes *= factor; r.l2Bytes *= factor; r.sharedMemoryBytes *= factor
        r.staticJoules *= factor; r.dynamicJoules *= factor; r.rooflineSeconds *= factor
        r.energyByComponent = r.energyByComponent.mapValues { $0 * factor }
        r.resourceSeconds = r.resourceSeconds.mapValues { $0 * factor }
        r.kernels = r.kernels.map { var k = $0; k.seconds *= factor; k.dynamicJoules *= factor; k.dramBytes *= factor; return k }
        return r
    }
}
