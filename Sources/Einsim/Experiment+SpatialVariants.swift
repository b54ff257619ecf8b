import EinsimCore
import HardwareModel
import Mapper
import Simulator
import Workloads

extension Experiment {
    /// A variant on a spatial, NPU or PIM target. Softmax attention (dense, masked, mixture of
    /// heads as the heads each token is routed to, SLA's critical blocks) goes through the
    /// spatial mapper at the variant's operand precisions and KV-cache width; the cascades of
    /// everything else — a predictor's passes and a prefill's operand quantization before the
    /// attention, SLA's linear part after it, linear attention and MLA decode in place of it —
    /// are mapped Einsum by Einsum onto the machine's units (`SpatialPassMapper` in the Mapper module). Every part
    /// runs under the task's engine.
    public static func simulateVariantOnTarget(_ spec: VariantSpec, shape base: AttentionShape, algorithm: String = "1pass",
                                               profile: HardwareProfile, mapping: String = "auto",
                                               search: SpatialSearch.Options = .init()) throws -> SimulationResult {
        let precision = spec.precision
        switch spec.algebra {
        case let .latent(latent, rope):
            // MLA: decode attends over the latent cache (one KV head of latent + rope dims, the
            // up-projections absorbed); prefill is attention on the up-projected heads.
            guard precision == AttentionPrecision() else {
                throw SimulationError.unsupported("variant '\(spec.text)' on '\(profile.name)': MLA with changed precisions is not modeled on spatial targets; run mla and the precision variant separately")
            }
            var shape = base
            if base.isDecode { shape.kvHeads = 1; shape.headDim = latent + rope; shape.valueDim = latent }
            var result = try simulateOnTarget(shape: shape, algorithm: algorithm, profile: profile, mapping: mapping, search: search)
            result.loopNest = (base.isDecode ? "MLA decode: one latent KV head of \(latent + rope) dims (values \(latent)), queries of every head packed onto it\n" : "") + result.loopNest
            return result
        case let .linear(block):
            guard precision == AttentionPrecision() else {
                throw SimulationError.unsupported("variant '\(spec.text)' on '\(profile.name)': linear attention with changed precisions is not modeled; run them separately")
            }
            guard mapping == "auto" else {
                throw SimulationError.unsupported("mapping '\(mapping)' is a softmax-attention preset; linear attention on '\(profile.name)' is mapped Einsum by Einsum: use --mapping auto")
            }
            return try linearAttentionOnTarget(block: block, shape: base, profile: profile)
        case .softmax, .mixtureOfHeads, .sparseLinear:
            break
        }
        var shape = base
        shape.mask = spec.mask
        var note = ""
        if case let .mixtureOfHeads(active) = spec.algebra {
            shape = shape.routedToHeads(active: active)
            note = "mixture of heads: each token on \(shape.heads) of \(base.heads) heads (\(shape.kvHeads) KV heads)\n"
        }
        var result = try simulateOnTarget(shape: shape, algorithm: algorithm, profile: profile, mapping: mapping, search: search,
                                          kvCacheBytesPerElement: precision.quantizesCache ? precision.kvCacheBytesPerElement : nil,
                                          operandPrecision: precision.quantizesOperands ? (precision.qk, precision.pv) : nil)
        result.loopNest = note + result.loopNest
        let machine = try Machine(profile: profile, precision: .fp16)
        var before: [SpatialPass] = [], after: [SpatialPass] = []
        if let name = spec.predictor {
            var block = 128
            var pattern: SparsePattern?
            if case let .pattern(p) = spec.mask { pattern = p; block = p.block }
            if case let .blockSparse(_, b, _) = spec.mask { block = b }
            before += try PredictorResolver.spatialPasses(name, shape: shape, block: block, pattern: pattern).map { pass in
                var p = pass
                p.name = RooflineEngine.predictorKernelPrefix + pass.name
                return p
            }
        }
        if precision.quantizesOperands && !shape.isDecode {
            // Prefill converts Q, K and V to their operand formats first (decode reads a cache
            // already stored at them).
            let tokensQ = shape.batch * shape.heads * shape.qLen, tokensKV = shape.batch * shape.kvHeads * shape.kvLen
            for (label, tokens, dims, p) in [("Q", tokensQ, shape.headDim, precision.qk), ("K", tokensKV, shape.headDim, precision.qk),
                                             ("V", tokensKV, shape.valueDim, precision.pv)] where p != .bf16 && p != .fp16 {
                before.append(try FusedCascade.spatialPass("quantize.einsum", name: "quantize \(label) to \(p.rawValue)",
                                                           sizes: ["T": tokens, "E": dims, "T0": min(64, tokens)], outputPrecision: p))
            }
        }
        if case let .sparseLinear(_, marginal, block) = spec.algebra, marginal > 0 {
            let p0 = min(block, shape.qLen), m0 = min(block, shape.kvLen)
            after.append(try FusedCascade.spatialPass("sla-marginal.einsum", name: "SLA marginal blocks (linear attention)",
                                                      sizes: ["B": shape.batch, "H": shape.heads, "E": shape.headDim, "F": shape.valueDim,
                                                              "M": shape.kvLen, "P": shape.qLen, "M0": m0, "P0": p0], maskDensity: marginal))
        }
        result = try SpatialPassCost.adding(try before.map { try SpatialPassMapper.map($0, machine: machine) }, to: result, machine: machine,
                                            note: "before the attention, through DRAM:")
        result = try SpatialPassCost.adding(try after.map { try SpatialPassMapper.map($0, machine: machine) }, to: result, machine: machine,
                                            before: false, note: "after the attention:")
        return result
    }

    /// Lightning-style linear attention on a spatial target: its cascade fused (the KV state on
    /// chip), each Einsum laid onto a unit; decode updates the constant-size state.
    static func linearAttentionOnTarget(block: Int, shape: AttentionShape, profile: HardwareProfile) throws -> SimulationResult {
        let machine = try Machine(profile: profile, precision: .fp16)
        let pass: SpatialPass
        if shape.isDecode {
            pass = try FusedCascade.spatialPass("linear-attention-decode.einsum", name: "linear attention decode (state update)",
                                                sizes: ["B": shape.batch, "H": shape.heads, "E": shape.headDim, "F": shape.valueDim, "P": shape.qLen])
        } else {
            let blk = min(block, shape.kvLen)
            pass = try FusedCascade.spatialPass("linear-attention.einsum", name: "lightning attention (block \(blk))",
                                                sizes: ["B": shape.batch, "H": shape.heads, "E": shape.headDim, "F": shape.valueDim,
                                                        "M": shape.kvLen, "M0": blk, "P0": blk])
        }
        let compulsory = pass.dramReadBytes + pass.dramWriteBytes
        try checkFits(compulsory, capacity: machine.mainMemory.capacityBytes * Double(machine.mainMemory.instances), machine: machine.name)
        let plan = try SpatialPassMapper.map(pass, machine: machine)
        return try SpatialPassCost.result([plan], machine: machine, label: "linear", compulsoryBytes: compulsory, cycle: engine == .cycle)
    }
}
