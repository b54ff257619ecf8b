import EinsimCore
import Mapper
import Workloads

extension RooflineEngine {
    /// Prefix of the names of predictor kernels in a result's kernel breakdown.
    public static let predictorKernelPrefix = "predictor "

    /// The kernels of one attention call, in order: the predictor's kernels (one per pass of its
    /// cascade, before the attention), then the attention kernel(s) over the kept tiles — or, for
    /// decode token selection, over the gathered tokens — with the loop nest as text.
    public func variantKernels(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                               machine: GPUMachine, predictor: [PassWork] = [], elementBytes: Double = 2)
        -> (kernels: [KernelCost], loopNest: String) {
        var kernels: [KernelCost] = predictor.map { pass in
            var work = pass
            if !work.name.hasPrefix(Self.predictorKernelPrefix) { work.name = Self.predictorKernelPrefix + work.name }
            return PassKernelModel(machine: machine, work: work, path: mapping.matrixPath).cost()
        }
        var loop = predictor.map { "kernel: \(Self.predictorKernelPrefix)\($0.name) (DRAM round trip)" }
        if case let .pattern(pattern) = shape.mask, let selection = pattern.decode, shape.isDecode {
            let model = TokenGatherDecodeModel(machine: machine, shape: shape, mapping: mapping, selection: selection,
                                               costs: algorithm.costs(atKeyTile: mapping.blockKV, shape: shape),
                                               elementBytes: elementBytes)
            kernels += model.kernels()
            loop.append("kernel: decode attention over \(Int(selection.tokensRead(kvLen: shape.kvLen).rounded(.up))) selected tokens per KV head")
        } else {
            kernels += attentionKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
            loop.append(Self.loopNest(algorithm: algorithm, mapping: mapping, shape: shape, machine: machine, elementBytes: elementBytes))
        }
        return (kernels, loop.joined(separator: "\n"))
    }

    /// Simulates a sparse variant (see ``variantKernels``) under one clock ratio for the power limit.
    public func evaluate(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                         machine: GPUMachine, predictor: [PassWork], elementBytes: Double = 2) -> SimulationResult {
        let (kernels, loop) = variantKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine,
                                             predictor: predictor, elementBytes: elementBytes)
        let predictorFlops = predictor.reduce(0) { $0 + 2 * $1.operations[.matrixMAC] }
        // The bound: decode token selection must read only the selected tokens' K and V.
        var compulsory = shape.compulsoryBytes(elementBytes: elementBytes)
        if case let .pattern(pattern) = shape.mask, let selection = pattern.decode, shape.isDecode {
            let kv = Double(shape.batch) * Double(shape.kvHeads) * Double(shape.kvLen) * Double(shape.headDim + shape.valueDim) * elementBytes
            compulsory -= kv * (1 - min(1, max(0, selection.keptFraction(kvLen: shape.kvLen))))
        }
        return finish(kernels: kernels, machine: machine, kernelName: mapping.traits.preset.rawValue,
                      flops: algorithm.flops(shape: shape, keyTile: mapping.blockKV) + predictorFlops, compulsoryBytes: compulsory,
                      loopNest: loop)
    }
}

extension SimulationResult {
    /// Fraction of the latency spent in predictor kernels (0 when there are none).
    public var predictorShare: Double {
        // End-to-end runs name kernels "operation: kernel", so a predictor kernel may follow a colon.
        let prefix = RooflineEngine.predictorKernelPrefix
        let predictor = kernels.filter { $0.name.hasPrefix(prefix) || $0.name.contains(": " + prefix) }.reduce(0) { $0 + $1.seconds }
        return latencySeconds > 0 ? predictor / latencySeconds : 0
    }
}
