import EinsimCore
import Mapper

/// The engine's kernels as values, so that callers can run sequences of them (a transformer
/// block, a variant made of several kernels) through `finish(kernels:…)` under one power limit.
extension RooflineEngine {
    /// The kernels of one attention call (the fused kernel and its split-KV combine, or one
    /// kernel per pass of a multi-pass cascade).
    public func attentionKernels(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                                 machine: GPUMachine, elementBytes: Double = 2) -> [KernelCost] {
        switch algorithm {
        case let .onePass(costsAtTile):
            let model = AttentionKernelModel(machine: machine, shape: shape, mapping: mapping,
                                             costs: costsAtTile(mapping.blockKV), elementBytes: elementBytes)
            var kernels = [model.cost()]
            if let combine = model.combineCost() { kernels.append(combine) }
            return kernels
        case let .perPass(_, passes):
            return passes.map { PassKernelModel(machine: machine, work: $0, path: mapping.matrixPath).cost() }
        }
    }

    /// The mapping's loop nest, or the list of pass kernels of a multi-pass cascade.
    static func loopNest(algorithm: AttentionAlgorithm, mapping: AttentionMapping) -> String {
        if case let .perPass(_, passes) = algorithm {
            return passes.enumerated().map { "kernel \($0.offset + 1): \($0.element.name) (DRAM round trip)" }.joined(separator: "\n")
        }
        return mapping.loopNest
    }

    /// One cuBLAS-like GEMM kernel (tile shape chosen under the power limit).
    public func gemmKernel(_ gemm: GEMMShape, machine: GPUMachine) -> KernelCost {
        GEMMKernelModel(machine: machine, shape: gemm).cost()
    }

    /// A kernel doing `work` (operations on their units, DRAM traffic; units overlap): a fused
    /// cascade whose intermediates stay on chip, or an elementwise kernel (norm, activation).
    public func passKernel(_ work: PassWork, machine: GPUMachine) -> KernelCost {
        PassKernelModel(machine: machine, work: work, path: machine.defaultPath).cost()
    }
}
