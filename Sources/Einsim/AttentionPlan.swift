import EinsimCore
import Mapper
import Simulator
import Workloads

/// The kernels that compute one attention call of a variant, with the figures a result reports.
public struct AttentionPlan: Sendable {
    public var kernels: [KernelCost]
    /// Useful FLOPs (2 per MAC of the variant's matrix work).
    public var flops: Double
    /// Bytes the call must move at least (inputs and outputs once).
    public var compulsoryBytes: Double
    public var kernelName: String
    public var loopNest: String
    /// The attention shape as the variant computes it (MLA decode: one latent KV head).
    public var shape: AttentionShape
}

/// Builds `AttentionPlan`s for every variant: softmax attention (dense or masked) through the
/// mapper and the fused-kernel model, at the variant's operand precisions; linear, sparse-linear
/// and MLA-decode algebra through their cascades (`FusedCascade`); mixture-of-heads as the heads
/// each token is routed to.
public enum AttentionPlanner {
    /// Vector operations to dequantize one cached K/V element (convert + scale-and-offset FMA;
    /// sub-byte formats add a shift-and-mask unpack).
    static func dequantizeOps(bits: Int) -> Double { bits < 8 ? 3 : 2 }

    public static func plan(shape base: AttentionShape, variant: VariantSpec, algorithm: String = "1pass",
                            preset: KernelPreset, objective: Objective = .latency, machine: GPUMachine) throws -> AttentionPlan {
        var shape = base
        shape.mask = variant.mask
        let e = shape.headDim, f = shape.valueDim
        switch variant.algebra {
        case .softmax:
            return try softmax(shape: shape, precision: variant.precision, algorithm: algorithm, preset: preset, objective: objective,
                               machine: machine, predictor: variant.predictor)
        case let .mixtureOfHeads(active):
            shape = shape.routedToHeads(active: active)
            return try softmax(shape: shape, precision: variant.precision, algorithm: algorithm, preset: preset, objective: objective, machine: machine)
        case let .linear(block):
            let work: PassWork
            if shape.isDecode {
                work = try FusedCascade.work("linear-attention-decode.einsum", name: "linear attention decode (state update)",
                                             sizes: ["B": shape.batch, "H": shape.heads, "E": e, "F": f, "P": shape.qLen])
            } else {
                let blk = min(block, shape.kvLen)
                work = try FusedCascade.work("linear-attention.einsum", name: "lightning attention (block \(blk))",
                                             sizes: ["B": shape.batch, "H": shape.heads, "E": e, "F": f, "M": shape.kvLen, "M0": blk, "P0": blk])
            }
            return fused([work], shape: shape, machine: machine, kernel: "linear")
        case let .sparseLinear(critical, marginal, block):
            // The critical blocks: `variant.mask` is the block mask at the critical density.
            _ = critical
            var plan = try softmax(shape: shape, precision: variant.precision, algorithm: algorithm, preset: preset, objective: objective, machine: machine)
            if marginal > 0 {
                let p0 = min(block, shape.qLen), m0 = min(block, shape.kvLen)
                let work = try FusedCascade.work("sla-marginal.einsum", name: "SLA marginal blocks (linear attention)",
                                                 sizes: ["B": shape.batch, "H": shape.heads, "E": e, "F": f, "M": shape.kvLen,
                                                         "P": shape.qLen, "M0": m0, "P0": p0], maskDensity: marginal)
                plan.kernels.append(RooflineEngine().passKernel(work, machine: machine))
                plan.flops += 2 * work.operations[.matrixMAC]
                plan.compulsoryBytes += work.dramBytes
                plan.kernelName += " + sla-linear"
            }
            return plan
        case let .latent(latent, rope):
            guard shape.isDecode else {
                return try softmax(shape: shape, precision: variant.precision, algorithm: algorithm, preset: preset, objective: objective, machine: machine)
            }
            let work = try FusedCascade.work("mla-decode.einsum", name: "MLA decode over the latent cache",
                                             sizes: ["B": shape.batch, "H": shape.heads, "P": shape.qLen, "M": shape.kvLen, "C": latent, "R": rope])
            var latentShape = shape
            latentShape.kvHeads = 1; latentShape.headDim = latent + rope; latentShape.valueDim = latent
            return fused([work], shape: latentShape, machine: machine, kernel: "mla")
        }
    }

    /// Kernels of fused cascades run back to back.
    static func fused(_ works: [PassWork], shape: AttentionShape, machine: GPUMachine, kernel: String) -> AttentionPlan {
        let engine = RooflineEngine()
        return AttentionPlan(kernels: works.map { engine.passKernel($0, machine: machine) },
                             flops: works.reduce(0) { $0 + 2 * $1.operations[.matrixMAC] },
                             compulsoryBytes: works.reduce(0) { $0 + $1.dramBytes }, kernelName: kernel,
                             loopNest: works.map { "fused kernel: \($0.name)" }.joined(separator: "\n"), shape: shape)
    }

    /// Softmax attention at the variant's precisions: the matrix unit's rate and energy for the
    /// Q·K and P·V operand formats, operand bytes at their widths, a quantization pass over Q, K, V
    /// (prefill), and for a quantized KV cache fewer bytes per cached element plus the
    /// dequantization work on the ALUs.
    static func softmax(shape: AttentionShape, precision: AttentionPrecision, algorithm name: String, preset: KernelPreset,
                        objective: Objective, machine base: GPUMachine, predictor predictorName: String? = nil) throws -> AttentionPlan {
        let e = shape.headDim, f = shape.valueDim
        let machine = base.attentionView(qk: precision.qk, pv: precision.pv, headDim: e, valueDim: f)
        var elementBytes = 2.0
        if precision.quantizesOperands {
            elementBytes = (Double(e) * precision.qk.bytes + Double(f) * precision.pv.bytes) / Double(e + f)
        }
        if precision.quantizesCache { elementBytes = precision.kvCacheBytesPerElement }
        var algorithm = try AlgorithmResolver.resolve(name, shape: shape)
        let engine = RooflineEngine()
        try Experiment.checkFits(shape.compulsoryBytes(elementBytes: elementBytes), capacity: machine.dramCapacity, machine: machine.name)
        let mapping: AttentionMapping
        if preset != .auto {
            mapping = try Experiment.presetMapping(preset, shape: shape, machine: machine, elementBytes: elementBytes)
        } else {
            mapping = MappingSearch.best(shape: shape, algorithm: algorithm, machine: machine, objective: objective).mapping
        }
        if precision.quantizesCache, case let .onePass(costs, tensors, cascade, einsums) = algorithm {
            // Each K/V element a tile loads is dequantized once, shared by the tile's blockQ query
            // rows (padded rows included): per score, ops·(e + f) / blockQ.
            let extra = dequantizeOps(bits: precision.kvCacheBits) * Double(e + f) / Double(max(1, mapping.blockQ))
            algorithm = .onePass(costsAtTile: { m0 in
                var c = costs(m0)
                c.vectorOps += extra
                return c
            }, tensors: tensors, cascade: cascade, einsumsAtTile: einsums)
        }
        var kernels: [KernelCost] = []
        if precision.quantizesOperands && !shape.isDecode {
            let tokensQ = shape.batch * shape.heads * shape.qLen, tokensKV = shape.batch * shape.kvHeads * shape.kvLen
            for (label, tokens, dims, p) in [("Q", tokensQ, e, precision.qk), ("K", tokensKV, e, precision.qk), ("V", tokensKV, f, precision.pv)] where p != .bf16 {
                let work = try FusedCascade.work("quantize.einsum", name: "quantize \(label) to \(p.rawValue)",
                                                 sizes: ["T": tokens, "E": dims, "T0": min(64, tokens)], outputPrecision: p)
                kernels.append(engine.passKernel(work, machine: base))
            }
        }
        // A predictor (and decode token selection) comes with the sparse pattern: its cascade's
        // passes run before the attention, under the same power limit.
        var pattern: SparsePattern?
        if case let .pattern(p) = shape.mask { pattern = p }
        var block = 128
        if case let .blockSparse(_, b, _) = shape.mask { block = b }
        if let pattern { block = pattern.block }
        let predictor = try predictorName.map { try PredictorResolver.passes($0, shape: shape, block: block, pattern: pattern) } ?? []
        let (attention, loop) = engine.variantKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine,
                                                      predictor: predictor, elementBytes: elementBytes)
        kernels += attention
        var label = mapping.traits.preset.rawValue
        if precision.quantizesOperands { label += " qk:\(precision.qk.rawValue) pv:\(precision.pv.rawValue)" }
        if precision.quantizesCache { label += " kv:\(precision.kvCacheBits)b" }
        return AttentionPlan(kernels: kernels, flops: shape.flops, compulsoryBytes: shape.compulsoryBytes(elementBytes: elementBytes),
                             kernelName: label, loopNest: loop, shape: shape)
    }

    /// The plan run as one result (one clock ratio under the power limit for its kernels).
    public static func simulate(shape: AttentionShape, variant: VariantSpec, algorithm: String = "1pass", preset: KernelPreset,
                                objective: Objective = .latency, machine: GPUMachine) throws -> (result: SimulationResult, shape: AttentionShape) {
        let plan = try self.plan(shape: shape, variant: variant, algorithm: algorithm, preset: preset, objective: objective, machine: machine)
        let result = RooflineEngine().finish(kernels: plan.kernels, machine: machine, kernelName: plan.kernelName,
                                             flops: plan.flops, compulsoryBytes: plan.compulsoryBytes, loopNest: plan.loopNest)
        return (try Experiment.retimed(result, kernels: plan.kernels, machine: machine), plan.shape)
    }
}
