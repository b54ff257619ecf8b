import EinsimCore
import EinsumIR
import HardwareModel
import Mapper
import Workloads

/// The analytical engine: per fused group (kernel), time from every resource it uses at the
/// mapping's tiling, combined by the overlap policy, wave-quantized; launch and latency; DVFS
/// under the power limit; energy = idle power × time + dynamic energy.
public struct RooflineEngine: Sendable {
    public init() {}

    /// Simulates one attention call with a fixed mapping.
    public func evaluate(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping,
                         machine: GPUMachine, elementBytes: Double = 2) -> SimulationResult {
        let kernels = attentionKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
        let loop = Self.loopNest(algorithm: algorithm, mapping: mapping, shape: shape, machine: machine, elementBytes: elementBytes)
        var result = finish(kernels: kernels, machine: machine, kernelName: mapping.traits.preset.rawValue,
                            flops: algorithm.flops(shape: shape, keyTile: mapping.blockKV),
                            compulsoryBytes: Self.compulsoryBytes(algorithm.tensors, shape: shape, elementBytes: elementBytes), loopNest: loop)
        if case let .onePass(_, _, _, einsumsAtTile) = algorithm, let main = kernels.first {
            result.einsums = Self.einsumBreakdown(einsumsAtTile(mapping.blockKV), kernel: main, machine: machine, clockRatio: result.clockRatio)
        }
        return result
    }

    /// A fused kernel's time and energy attributed to the cascade's Einsums: each unit's busy
    /// time and each operation class's energy shared by the Einsums' executed operations of that
    /// class (matrix MACs on the matrix unit; exps on the special-function unit; the rest on the
    /// vector unit).
    static func einsumBreakdown(_ work: [EinsumWork], kernel: KernelCost, machine: GPUMachine, clockRatio r: Double) -> [SimulationResult.EinsumBreakdown] {
        guard !work.isEmpty else { return [] }
        let matrixUnit = machine.matrixUnitName ?? "matrix"
        let sfuUnit = machine.specialFunctionUnitName ?? machine.vectorUnitName ?? "vector"
        let vectorUnit = machine.vectorUnitName ?? "vector"
        var total = OperationCounts()
        for w in work { total += w.perScore }
        let softmaxWeight = { (c: OperationCounts) in c[.specialFunction] / machine.specialFunctionRate
            + c.vectorOperations / machine.vectorRate + c[.divide] / machine.divideRate }
        let softmaxTotal = max(softmaxWeight(total), 1e-300)
        let perMAC = total[.matrixMAC] > 0 ? kernel.matrixEnergy / (kernel.executed[.matrixMAC] > 0 ? kernel.executed[.matrixMAC] : 1) : 0
        let scores = total[.matrixMAC] > 0 ? kernel.executed[.matrixMAC] / total[.matrixMAC] : 0
        let voltage = kernel.voltageEnergyFactor(clockRatio: r)
        return work.map { w in
            let isMatrix = w.perScore[.matrixMAC] > 0
            let matrixShare = total[.matrixMAC] > 0 ? w.perScore[.matrixMAC] / total[.matrixMAC] : 0
            let softShare = softmaxWeight(w.perScore) / softmaxTotal
            let seconds = (matrixShare * kernel.resources.matrix + softShare * kernel.resources.softmax) / r
            let joules = scores * (w.perScore[.matrixMAC] * perMAC + w.perScore[.specialFunction] * machine.energyPerExp
                + (w.perScore.vectorOperations + w.perScore[.divide]) * machine.energyPerVectorOp) * voltage
            let unit = isMatrix ? matrixUnit : (w.perScore[.specialFunction] > 0 || w.perScore[.divide] > 0 ? sfuUnit : vectorUnit)
            let busy = isMatrix ? kernel.resources.matrix : kernel.resources.softmax
            return .init(name: w.name, unit: unit, seconds: seconds, dynamicJoules: joules,
                         utilization: busy > 0 ? min(1, seconds * r / busy) : 0)
        }
    }

    /// Latency and energy only (no breakdowns) of one candidate.
    public func estimate(shape: AttentionShape, costs: ScoreCosts, mapping: AttentionMapping,
                         machine: GPUMachine, tensors: [AttentionTensor] = AttentionTensor.standard,
                         elementBytes: Double = 2) -> (seconds: Double, joules: Double) {
        AttentionEstimator(shape: shape, tensors: tensors, machine: machine, elementBytes: elementBytes)
            .estimate(costs: costs, mapping: mapping)
    }

    /// Simulates one GEMM on the machine's fastest matrix path for its precision.
    public func evaluate(gemm: GEMMShape, machine: GPUMachine) -> SimulationResult {
        // The product runs at its operands' precision: that precision's rates, MAC energy and peak.
        evaluate(gemm: gemm, view: machine.view(operands: gemm.precision))
    }

    /// Simulates one GEMM on a named matrix path (a library's kernel for the precision may use
    /// another than the fastest: torch's int8 GEMM on Hopper is CUTLASS's sm80 `mma.sync` kernel).
    /// Throws when the profile lists no such path.
    public func evaluate(gemm: GEMMShape, machine: GPUMachine, path: String) throws -> SimulationResult {
        var view = machine.view(operands: gemm.precision)
        guard view.matrixRate[path] != nil else {
            throw SimpleInputError("matrix path '\(path)' is not in profile '\(machine.name)'",
                                   suggestion: "its paths: \(view.matrixRate.keys.sorted().joined(separator: ", "))")
        }
        view.defaultPath = path
        return evaluate(gemm: gemm, view: view)
    }

    private func evaluate(gemm: GEMMShape, view machine: GPUMachine) -> SimulationResult {
        let cost = GEMMKernelModel(machine: machine, shape: gemm).cost()
        return finish(kernels: [cost], machine: machine, kernelName: "cublas", flops: gemm.flops,
                      compulsoryBytes: gemm.compulsoryBytes, loopNest: cost.name)
    }

    /// Bytes of every input read and output written once.
    public static func compulsoryBytes(_ tensors: [AttentionTensor], shape: AttentionShape, elementBytes: Double) -> Double {
        tensors.reduce(0) { acc, t in
            var elements = t.otherElements
            for r in t.ranks {
                switch r {
                case .batch: elements *= Double(shape.batch)
                case .head: elements *= Double(t.perKVHead ? shape.kvHeads : shape.heads)
                case .query: elements *= Double(shape.qLen)
                case .key: elements *= Double(shape.kvLen)
                case .qkDim: elements *= Double(shape.headDim)
                case .valueDim: elements *= Double(shape.valueDim)
                }
            }
            return acc + elements * (t.bytesPerElement ?? elementBytes)
        }
    }

    /// Combines kernels run back to back: one clock ratio for the sequence under the power limit.
    public func finish(kernels: [KernelCost], machine: GPUMachine, kernelName: String, flops: Double,
                       compulsoryBytes: Double, loopNest: String) -> SimulationResult {
        let r = PowerCapping.clockRatio(kernels: kernels, idleWatts: machine.idleWatts, limitWatts: machine.limitWatts, minimumRatio: machine.minimumClockRatio)
        var latency = 0.0, dynamic = 0.0, dram = 0.0, l2 = 0.0, smem = 0.0
        var resourceTotals = ResourceTimes()
        var breakdown: [SimulationResult.KernelBreakdown] = []
        var executed = OperationCounts()
        for k in kernels {
            let t = k.seconds(clockRatio: r)
            let e = k.dynamicEnergy(clockRatio: r)
            latency += t; dynamic += e
            dram += k.dramBytes; l2 += k.l2Bytes; smem += k.sharedMemoryBytes
            executed += k.executed
            resourceTotals = resourceTotals + k.resources
            breakdown.append(.init(name: k.name, seconds: t, dynamicJoules: e, dramBytes: k.dramBytes, flops: 2 * k.executed[.matrixMAC]))
        }
        // Nominal shares (at the boost clock); scaled below to the on-chip energy at the run's clock.
        let matrixEnergy = kernels.reduce(0) { $0 + $1.matrixEnergy }
        // Keyed by the profile's own unit and level names.
        let matrixName = machine.matrixUnitName ?? "matrix"
        let sfuName = machine.specialFunctionUnitName ?? "special-function"
        let vectorName = machine.vectorUnitName ?? "vector"
        var components: [String: Double] = Dictionary(minimumCapacity: 6)
        components[matrixName, default: 0] += matrixEnergy
        components[sfuName, default: 0] += executed[.specialFunction] * machine.energyPerExp
        components[vectorName, default: 0] += (executed.vectorOperations + executed[.divide]) * machine.energyPerVectorOp
        components[machine.levels.shared, default: 0] += smem * machine.energyPerSharedMemoryByte
        components[machine.levels.l2, default: 0] += l2 * machine.energyPerL2Byte
        // The kernels' own on-chip energy (per-family calibrations, padding rows) is what the
        // result charges: the breakdown splits it over the units and levels in proportion to
        // their nominal energies, so the parts add up to the dynamic energy.
        let onChip = kernels.reduce(0) { $0 + $1.onChipEnergy(clockRatio: r) }
        // Summed in key order: the same bytes in every process (dictionary order varies).
        let keys = components.keys.sorted()
        let nominal = keys.reduce(0.0) { $0 + (components[$1] ?? 0) }
        if nominal > 0, onChip > 0 {
            for key in keys { components[key] = (components[key] ?? 0) * onChip / nominal }
        }
        // DRAM: per byte, and the memory system's power over the time it streams.
        components[machine.levels.dram, default: 0] += kernels.reduce(0) { $0 + $1.dramEnergy + $1.memoryActiveEnergy(seconds: $1.seconds(clockRatio: r)) }
        let resources = resourceTotals.named
        var bound = resourceTotals.bound
        let unconstrained = kernels.reduce(0) { $0 + $1.seconds(clockRatio: 1) }
        if r < 0.999 && latency > unconstrained * 1.001 {
            bound = "power limit (clock at \(Int((r * 100).rounded()))%) over \(bound)"
        }
        let staticJ = machine.idleWatts * latency
        let roofline = max(flops / max(machine.peakMatrixFLOPS, 1), compulsoryBytes / max(machine.dramBandwidth, 1))
        var result = SimulationResult(
            hardware: machine.name, kernel: kernelName, engine: "roofline", latencySeconds: latency,
            energyJoules: staticJ + dynamic, flops: flops, dramBytes: dram, l2Bytes: l2, sharedMemoryBytes: smem,
            clockRatio: r, averagePowerWatts: latency > 0 ? (staticJ + dynamic) / latency : 0,
            staticJoules: staticJ, dynamicJoules: dynamic, energyByComponent: components,
            resourceSeconds: resources, kernels: breakdown, bound: bound, rooflineSeconds: roofline, loopNest: loopNest)
        let lv = machine.levels
        result.bytesPerLevel = [lv.dram: dram, lv.l2: l2, lv.shared: smem]
        result.peakFLOPS = machine.peakMatrixFLOPS
        result.bandwidths = [lv.dram: machine.dramBandwidth, lv.l2: machine.l2Bandwidth,
                             lv.shared: machine.sharedMemoryBytesPerCycle * Double(machine.processors) * machine.clockHz]
        // Busy fraction of each unit: its resource time (at the clock the power limit allowed) over the latency.
        if latency > 0 {
            result.utilization.reserveCapacity(2)
            result.utilization[matrixName] = min(1, resourceTotals.matrix / r / latency)
            result.utilization[vectorName] = min(1, resourceTotals.softmax / r / latency)
        }
        return result
    }
}

/// A kernel that runs one pass of a multi-pass cascade: each cost class on its unit, DRAM traffic
/// for the tensors crossing the kernel boundary; units overlap (roofline within the kernel).
struct PassKernelModel {
    let machine: GPUMachine
    let work: PassWork
    let path: String

    func cost() -> KernelCost {
        let p = Double(machine.processors), f = machine.clockHz
        let ops = work.operations
        let matrix = ops[.matrixMAC] / machine.matrixRate(path: machine.defaultPath) / p / f
        let sfu = ops[.specialFunction] / machine.specialFunctionRate / p / f
        let alu = (ops.vectorOperations / machine.vectorRate + ops[.divide] / machine.divideRate) / p / f
        let memory = work.dramBytes / machine.dramBandwidth
        let fixed = machine.launchOverhead + 2 * machine.dramLatency
        var cost = KernelCost(
            name: work.name, computeSeconds: max(matrix, sfu + alu), memorySeconds: memory, fixedSeconds: fixed,
            onChipEnergy: ops[.matrixMAC] * machine.energyPerMAC(path: machine.defaultPath) + ops[.specialFunction] * machine.energyPerExp
                + (ops.vectorOperations + ops[.divide]) * machine.energyPerVectorOp,
            dramEnergy: work.dramBytes * machine.energyPerDRAMByte, executed: ops, dramBytes: work.dramBytes,
            l2Bytes: work.dramBytes, sharedMemoryBytes: 0,
            resources: ResourceTimes(matrix: matrix, softmax: sfu + alu, dram: memory, launchAndLatency: fixed))
        cost.matrixEnergy = ops[.matrixMAC] * machine.energyPerMAC(path: machine.defaultPath)
        machine.applyPowerModel(&cost)
        return cost
    }
}
