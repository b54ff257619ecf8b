import EinsimCore
import Mapper
import Workloads

/// The engine's kernels as values, so that callers can run sequences of them (a transformer
/// block, a variant made of several kernels) through `finish(kernels:…)` under one power limit.
extension RooflineEngine {
    /// Whether results carry the full mapping description (binding, loop nest, traffic per
    /// level) — `einsim map` turns it on; simulations and sweeps skip the text.
    @TaskLocal public static var describesMappings = false

    /// The kernels of one attention call (the fused kernel and its split-KV combine, or one
    /// kernel per pass of a multi-pass cascade).
    public func attentionKernels(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                                 machine: GPUMachine, elementBytes: Double = 2) -> [KernelCost] {
        switch algorithm {
        case let .onePass(costsAtTile, tensors, _, _):
            let model = AttentionKernelModel(machine: machine, shape: shape, mapping: mapping,
                                             costs: costsAtTile(mapping.blockKV), elementBytes: elementBytes, tensors: tensors)
            return model.kernels()
        case let .perPass(_, passes, _):
            return passes.map { PassKernelModel(machine: machine, work: $0, path: mapping.matrixPath).cost() }
        }
    }

    /// The mapping as text: the cascade's Einsums with their binding, the fusion groups (kernels),
    /// the loop nest per level and the traffic per level — or the pass kernels of a multi-pass cascade.
    static func loopNest(algorithm: AttentionAlgorithm, mapping: AttentionMapping, shape: AttentionShape,
                         machine: GPUMachine, elementBytes: Double) -> String {
        guard describesMappings else {
            // Built by appends (every sweep point writes it; interpolation cost more than the rest).
            var text = mapping.traits.kernelName
            text.reserveCapacity(text.utf8.count + mapping.matrixPath.utf8.count + 80)
            text += ": "; text += String(mapping.blockQ); text += "x"; text += String(mapping.blockKV)
            text += " tiles on "; text += mapping.matrixPath; text += ", "; text += String(mapping.threadBlocks); text += " thread blocks"
            if mapping.splits > 1 { text += ", "; text += String(mapping.splits); text += " key splits" }
            text += " (einsim map shows the loop nest)"
            return text
        }
        switch algorithm {
        case let .perPass(_, passes, cascade):
            var lines: [String] = []
            if let cascade {
                lines.append("cascade \(cascade.name): \(cascade.einsums.count) Einsums in \(passes.count) passes → one fusion group (kernel) per pass; the tensors crossing a pass go through DRAM")
                if let bindings = try? EinsumBinding.bind(cascade, to: machine.profile) {
                    lines.append("binding:")
                    lines.append(MappingText.bindings(bindings))
                }
            }
            for (i, pass) in passes.enumerated() {
                let ops = pass.operations
                lines.append("kernel \(i + 1): \(pass.name) — \(MappingText.count(ops[.matrixMAC])) MACs, \(MappingText.count(ops[.specialFunction])) exps, "
                             + "\(MappingText.count(ops.vectorOperations + ops[.divide])) vector ops; \(machine.levels.dram) ↔ kernel: \(MappingText.bytes(pass.dramBytes)) (DRAM round trip)")
            }
            return lines.joined(separator: "\n")
        case let .onePass(costs, tensors, cascade, _):
            let model = AttentionKernelModel(machine: machine, shape: shape, mapping: mapping, costs: costs(mapping.blockKV),
                                             elementBytes: elementBytes, tensors: tensors)
            let layout = model.layout()
            var lines: [String] = []
            if let cascade {
                lines.append("cascade \(cascade.name): \(cascade.einsums.count) Einsums, one fusion group (1 pass: intermediates stay in registers and shared memory)")
                if let bindings = try? EinsumBinding.bind(cascade, to: machine.profile) {
                    lines.append("binding:")
                    lines.append(MappingText.bindings(bindings))
                }
            }
            let t = mapping.traits
            lines.append("kernel \(mapping.splitKernel ? t.kernelName + " split-KV" : t.kernelName): \(mapping.blockQ)x\(mapping.blockKV) tiles on \(mapping.matrixPath), "
                + "\(mapping.threadBlocks) thread blocks (\(layout.inFlight) in flight), softmax overlap \(t.softmaxOverlap)"
                + (mapping.packsGroups ? ", GQA group packed into rows" : "") + (mapping.realRowsPerTile < mapping.blockQ ? ", \(mapping.realRowsPerTile) real rows of \(mapping.blockQ)" : ""))
            lines.append("loop nest:")
            lines.append(MappingText.nest(layout.nest))
            lines.append("traffic (dense iteration space; the mask visits \(MappingText.count(layout.schedule.totalTiles)) key tiles per head):")
            lines.append(MappingText.traffic(layout.reuse))
            if mapping.splits > 1 {
                lines.append("combine Einsum (its own kernel): AV = Σ_ms exp(lse_ms − lse) · AV.partial_ms over \(mapping.splits) splits")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// One cuBLAS-like GEMM kernel (tile shape chosen under the power limit).
    public func gemmKernel(_ gemm: GEMMShape, machine: GPUMachine) -> KernelCost {
        GEMMKernelModel(machine: machine.view(operands: gemm.precision), shape: gemm).cost()
    }

    /// A kernel doing `work` (operations on their units, DRAM traffic; units overlap): a fused
    /// cascade whose intermediates stay on chip, or an elementwise kernel (norm, activation).
    public func passKernel(_ work: PassWork, machine: GPUMachine) -> KernelCost {
        PassKernelModel(machine: machine, work: work, path: machine.defaultPath).cost()
    }
}
