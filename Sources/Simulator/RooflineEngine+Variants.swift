import EinsimCore
import Mapper

extension RooflineEngine {
    /// Prefix of the names of predictor kernels in a result's kernel breakdown.
    public static let predictorKernelPrefix = "predictor "

    /// Simulates a sparse variant: the predictor's kernels (one per pass of its cascade, run back
    /// to back before the attention), then the attention kernel(s) over the kept tiles — or, for
    /// decode token selection, over the gathered tokens. One clock ratio under the power limit.
    public func evaluate(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                         machine: GPUMachine, predictor: [PassWork], elementBytes: Double = 2) -> SimulationResult {
        var kernels: [KernelCost] = predictor.map { pass in
            var work = pass
            if !work.name.hasPrefix(Self.predictorKernelPrefix) { work.name = Self.predictorKernelPrefix + work.name }
            return PassKernelModel(machine: machine, work: work, path: mapping.matrixPath).cost()
        }
        var loop = predictor.map { "kernel: \(Self.predictorKernelPrefix)\($0.name) (DRAM round trip)" }
        if case let .pattern(pattern) = shape.mask, let selection = pattern.decode, mapping.decode {
            let model = TokenGatherDecodeModel(machine: machine, shape: shape, mapping: mapping, selection: selection,
                                               costs: algorithm.costs(atKeyTile: mapping.blockKV, shape: shape),
                                               elementBytes: elementBytes)
            kernels += model.kernels()
            loop.append("kernel: decode attention over \(Int(selection.tokensRead(kvLen: shape.kvLen).rounded(.up))) selected tokens per KV head")
        } else {
            switch algorithm {
            case let .onePass(costsAtTile):
                let model = AttentionKernelModel(machine: machine, shape: shape, mapping: mapping,
                                                 costs: costsAtTile(mapping.blockKV), elementBytes: elementBytes)
                kernels.append(model.cost())
                if let combine = model.combineCost() { kernels.append(combine) }
            case let .perPass(_, passes):
                for pass in passes { kernels.append(PassKernelModel(machine: machine, work: pass, path: mapping.matrixPath).cost()) }
            }
            loop.append(mapping.loopNest)
        }
        let predictorFlops = predictor.reduce(0) { $0 + 2 * $1.operations[.matrixMAC] }
        return finish(kernels: kernels, machine: machine, kernelName: mapping.traits.preset.rawValue,
                      flops: shape.flops + predictorFlops, compulsoryBytes: shape.compulsoryBytes(elementBytes: elementBytes),
                      loopNest: loop.joined(separator: "\n"))
    }
}

extension SimulationResult {
    /// Fraction of the latency spent in predictor kernels (0 when there are none).
    public var predictorShare: Double {
        let predictor = kernels.filter { $0.name.hasPrefix(RooflineEngine.predictorKernelPrefix) }.reduce(0) { $0 + $1.seconds }
        return latencySeconds > 0 ? predictor / latencySeconds : 0
    }
}
