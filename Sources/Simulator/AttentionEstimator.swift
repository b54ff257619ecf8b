import EinsimCore
import Mapper
import Workloads

/// The mapper's inner loop for one attention call: latency and energy of candidate mappings,
/// with the loop-nest structures compiled once (``CompiledReuse``) and scratch reused across
/// candidates. Not for sharing between threads (each search makes its own).
public final class AttentionEstimator {
    let shape: AttentionShape
    let tensors: [AttentionTensor]
    let machine: GPUMachine
    let elementBytes: Double
    let prepared: PreparedAttention
    /// Per matrix path: rate and MAC energy; per kernel family (KernelPreset order): combine step.
    private var paths: [(name: String, rate: Double, energy: Double)]
    private let combineSteps: [Double]
    /// One model, re-pointed at each candidate (the machine is not copied per candidate).
    private var model: AttentionKernelModel
    /// The last candidate's layout and what it depends on: candidates that differ only in how
    /// the kernel overlaps softmax with matrix work, or in its instruction path, share it.
    private var lastLayout: (key: LayoutKey, layout: AttentionKernelModel.Layout)?

    struct LayoutKey: Equatable {
        var blockQ: Int, blockKV: Int, splits: Int, threadBlocks: Int, realRows: Int
        var packs: Bool, split: Bool, warps: Int, registers: Int, stages: Int
        init(_ m: AttentionMapping) {
            blockQ = m.blockQ; blockKV = m.blockKV; splits = m.splits; threadBlocks = m.threadBlocks; realRows = m.realRowsPerTile
            packs = m.packsGroups; split = m.splitKernel; warps = m.warps; registers = m.traits.registersPerThread; stages = m.traits.stages
        }
    }

    public init(shape: AttentionShape, tensors: [AttentionTensor] = AttentionTensor.standard, machine: GPUMachine, elementBytes: Double = 2) {
        self.shape = shape; self.tensors = tensors; self.machine = machine; self.elementBytes = elementBytes
        prepared = PreparedAttention(tensors: tensors, levels: machine.levels, processors: machine.processors, elementBytes: elementBytes)
        paths = machine.matrixRate.keys.sorted().map { ($0, machine.matrixRate(path: $0), machine.energyPerMAC(path: $0)) }
        combineSteps = KernelPreset.allCases.map { machine.combineStepSeconds[$0.rawValue] ?? 0 }
        model = AttentionKernelModel(machine: machine, shape: shape, mapping: AttentionMapper.mapping(preset: .fa2, shape: shape, sm: machine.sm),
                                     costs: ScoreCosts(macs: 0, exps: 0, vectorOps: 0, divides: 0), elementBytes: elementBytes, tensors: tensors)
    }

    private func path(_ name: String) -> (rate: Double, energy: Double) {
        for p in paths where p.name == name { return (p.rate, p.energy) }
        return (machine.matrixRate(path: name), machine.energyPerMAC(path: name))
    }

    /// Seconds and joules of `mapping` with per-score work `costs`, under the power limit.
    public func estimate(costs: ScoreCosts, mapping: AttentionMapping) -> (seconds: Double, joules: Double) {
        let p = path(mapping.matrixPath)
        let family = KernelPreset.allCases.firstIndex(of: mapping.traits.family) ?? 0
        model.mapping = mapping
        model.costs = costs
        model.pathRate = p.rate; model.pathMACEnergy = p.energy; model.combineStep = combineSteps[family]
        let key = LayoutKey(mapping)
        let cached = lastLayout.flatMap { $0.key == key ? $0.layout : nil }
        let (main, combineKernel, layout) = model.estimateKernels(prepared: prepared, reusing: cached)
        if cached == nil { lastLayout = (key, layout) }
        if let combine = combineKernel {
            let r = PowerCapping.clockRatio(main, combine, idleWatts: machine.idleWatts, limitWatts: machine.limitWatts,
                                            minimumRatio: machine.minimumClockRatio)
            let t = main.seconds(clockRatio: r) + combine.seconds(clockRatio: r)
            return (t, main.dynamicEnergy(clockRatio: r) + combine.dynamicEnergy(clockRatio: r) + machine.idleWatts * t)
        }
        let r = PowerCapping.clockRatio(kernel: main, idleWatts: machine.idleWatts, limitWatts: machine.limitWatts, minimumRatio: machine.minimumClockRatio)
        let t = main.seconds(clockRatio: r)
        return (t, main.dynamicEnergy(clockRatio: r) + machine.idleWatts * t)
    }
}
