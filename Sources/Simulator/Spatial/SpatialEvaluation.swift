import EinsimCore
import HardwareModel
import Mapper

extension SpatialCostModel {
    /// The full result of `plan`: latency, energy by unit and level, bytes per level, per-Einsum
    /// breakdown, utilization per unit (full-rate busy time over latency), and the plan's loop
    /// order and binding as text.
    public func result(_ plan: SpatialPlan, label: String, engine: String = "roofline") -> SimulationResult {
        let c = cost(plan, detail: true)
        let machine = problem.machine
        let units = machine.units
        let latency = c.seconds
        let kt = plan.groups.first.flatMap { problem.keyTileIndex($0.keyTile) } ?? 0
        let macs = problem.einsums.reduce(0.0) { $0 + $1.counts[kt][.matrixMAC] }
        // Useful work: the kept scores; compulsory traffic: K and V only where some query needs them.
        let sparsity = problem.sparsity
        let flops = 2 * macs * sparsity.keptFraction
        let staticJ = idleWatts * latency
        // The fastest matrix path any Einsum runs on (a narrower operand precision may be faster).
        let peak = problem.matrixMachines.values.reduce(machine.peak(.matrixMAC)) { max($0, $1.peak(.matrixMAC)) } * 2
        let inBank = pimInBank.reduce(0, +)
        let keysNeeded = sparsity.keyTileFraction(rows: Double(problem.queries), keys: 1)
        let compulsory = problem.tensors.filter { $0.role != .intermediate }
            .reduce(0.0) { $0 + $1.bytes[0] * ($1.byKey && !$1.byQuery ? keysNeeded : 1) }
        let roofline = max(peak > 0 ? flops / peak : 0, compulsory / max(mainBandwidth, inBank))
        var components: [String: Double] = [:]
        for e in c.einsums { components[e.unit, default: 0] += e.joules }
        components[machine.mainMemory.name, default: 0] += c.dramJoules
        if c.inBankJoules > 0 { components[machine.mainMemory.name + " (in-bank)", default: 0] += c.inBankJoules }
        if let b = machine.onChipBuffer { components[b.name, default: 0] += c.bufferJoules }
        var utilization: [String: Double] = [:]
        for (u, unit) in units.enumerated() { utilization[unit.name] = latency > 0 ? min(1, c.useful[u] / latency) : 0 }
        var bytesPerLevel = [machine.mainMemory.name: c.dramBytes]
        if let b = machine.onChipBuffer { bytesPerLevel[b.name] = c.bufferBytes }
        if c.inBankBytes > 0 { bytesPerLevel[machine.mainMemory.name + " (in-bank)"] = c.inBankBytes }
        let bound = c.resources.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "none"
        var text = plan.describe(problem)
        text += "\nutilization: " + units.map { "\($0.name) \(String(format: "%.1f", 100 * (utilization[$0.name] ?? 0)))%" }.joined(separator: ", ")
        let kernels = zip(plan.groups, c.groups).enumerated().map { g, pair in
            SimulationResult.KernelBreakdown(name: "group \(g + 1): " + pair.0.einsums.map { problem.einsums[$0].name }.joined(separator: ", "),
                                             seconds: pair.1.seconds, dynamicJoules: pair.1.joules, dramBytes: pair.1.dramBytes,
                                             flops: 2 * pair.0.einsums.reduce(0.0) { $0 + problem.einsums[$1].counts[kt][.matrixMAC] } * sparsity.keptFraction)
        }
        var result = SimulationResult(
            hardware: machine.name, kernel: label, engine: engine, latencySeconds: latency,
            energyJoules: staticJ + c.dynamicJoules, flops: flops, dramBytes: c.dramBytes, l2Bytes: c.bufferBytes, sharedMemoryBytes: 0,
            clockRatio: 1, averagePowerWatts: latency > 0 ? (staticJ + c.dynamicJoules) / latency : 0,
            staticJoules: staticJ, dynamicJoules: c.dynamicJoules, energyByComponent: components,
            resourceSeconds: c.resources, kernels: kernels, bound: bound, rooflineSeconds: roofline,
            loopNest: text)
        result.einsums = c.einsums.map { .init(name: $0.name, unit: $0.unit, seconds: $0.seconds, dynamicJoules: $0.joules, utilization: $0.utilization) }
        result.utilization = utilization
        result.bytesPerLevel = bytesPerLevel
        result.peakFLOPS = peak
        var bandwidths = [machine.mainMemory.name: mainBandwidth]
        if let b = machine.onChipBuffer { bandwidths[b.name] = bufferBandwidth }
        if inBank > 0 { bandwidths[machine.mainMemory.name + " (in-bank)"] = inBank }
        result.bandwidths = bandwidths
        return result
    }
}
