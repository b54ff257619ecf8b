import EinsimCore
import HardwareModel
import Mapper

/// Latency and energy of mapped ``SpatialPass``es (``SpatialPassMapper/Plan``), passes run one
/// after another:
/// - **time** per pass: the Einsums pipeline over the fused loop's N iterations (its outer ranks
///   less what they lay out spatially): N − 1 periods of the busiest of its units, DRAM and
///   buffer, plus one iteration's latency (its loads, then its Einsum chain), plus the launch;
/// - **traffic**: the tensors crossing the pass boundary once; intermediates whose live part
///   overflows the buffer are written to DRAM and read back; every Einsum's operands and result
///   pass through the buffer once;
/// - **energy**: operations × energy per operation on their units, bytes × energy per byte per
///   level, and idle power × time (added by ``SpatialPassCost/result(_:machine:label:)``).
public struct SpatialPassCost: Sendable {
    public var name: String
    public var seconds: Double
    public var dynamicJoules: Double
    public var dramBytes: Double
    public var bufferBytes: Double
    public var dramSeconds: Double
    public var bufferSeconds: Double
    /// Busy seconds per unit name, and the iterations the Einsums pipeline over.
    public var unitSeconds: [(unit: String, seconds: Double)]
    public var iterations: Double
    public var einsums: [SimulationResult.EinsumBreakdown]
    /// Einsums in order, each on its unit (and what it lends), with seconds for the whole pass.
    public var stages: [(einsum: String, unit: String, seconds: Double)]
    public var launchSeconds: Double
    public var energyByComponent: [String: Double]

    public init(_ plan: SpatialPassMapper.Plan, machine: Machine) {
        let pass = plan.pass
        let units = machine.units
        let main = machine.mainMemory
        let buffer = machine.onChipBuffer
        let spill = plan.spills ? pass.intermediateBytes : 0
        let read = pass.dramReadBytes + spill, written = pass.dramWriteBytes + spill
        let bufferRead = pass.einsums.reduce(0.0) { $0 + $1.inputBytes }, bufferWritten = pass.einsums.reduce(0.0) { $0 + $1.outputBytes }
        name = pass.name + (plan.spills ? " (intermediates spill to \(main.name))" : "")
        dramBytes = read + written
        let throughBuffer = buffer == nil ? 0 : bufferRead + bufferWritten
        bufferBytes = throughBuffer
        dramSeconds = (read + written) / main.bandwidth
        bufferSeconds = buffer.map { throughBuffer / $0.bandwidth } ?? 0
        iterations = plan.iterations
        unitSeconds = units.indices.map { (units[$0].name, plan.unitSeconds[$0]) }
        var joules = 0.0
        var components: [String: Double] = [:]
        var breakdown: [SimulationResult.EinsumBreakdown] = []
        var chain: [(String, String, Double)] = []
        for p in plan.placements where p.unit >= 0 {
            joules += p.joules
            components[units[p.unit].name, default: 0] += p.joules
            breakdown.append(.init(name: p.einsum, unit: units[p.unit].name, seconds: p.seconds + p.lentSeconds, dynamicJoules: p.joules,
                                   utilization: p.utilization))
            chain.append((p.einsum, units[p.unit].name, p.seconds))
            if p.lentUnit >= 0 { chain.append((p.einsum + " (lent)", units[p.lentUnit].name, p.lentSeconds)) }
        }
        let memoryJoules = read * main.readJoulesPerByte + written * main.writeJoulesPerByte
        components[main.name, default: 0] += memoryJoules
        var bufferJoules = 0.0
        if let buffer {
            bufferJoules = bufferRead * buffer.readJoulesPerByte + bufferWritten * buffer.writeJoulesPerByte
            components[buffer.name, default: 0] += bufferJoules
        }
        dynamicJoules = joules + memoryJoules + bufferJoules
        energyByComponent = components
        einsums = breakdown
        stages = chain
        launchSeconds = machine.launchOverheadSeconds
        // N iterations in a software pipeline: N − 1 periods of the busiest resource, plus one
        // iteration's latency (its loads, then its Einsum chain), never less than the busiest.
        let busiest = max(plan.unitSeconds.max() ?? 0, dramSeconds, bufferSeconds)
        let first = max(dramSeconds + chain.reduce(0.0) { $0 + $1.2 }, busiest) / iterations
        seconds = busiest * (iterations - 1) / iterations + first + launchSeconds
    }

    /// The resource that bounds the pass (a unit's name, the DRAM's or the buffer's).
    public func bound(machine: Machine) -> String {
        var best = (name: machine.mainMemory.name, seconds: dramSeconds)
        if let b = machine.onChipBuffer, bufferSeconds > best.seconds { best = (b.name, bufferSeconds) }
        for u in unitSeconds where u.seconds > best.seconds { best = (u.unit, u.seconds) }
        return best.name
    }

    /// How the pass is laid out, one line per Einsum.
    public static func describe(_ plan: SpatialPassMapper.Plan, machine: Machine) -> String {
        let outer = plan.pass.outerRanks.isEmpty ? "" : " of " + plan.pass.outerRanks.joined(separator: " → ")
        var lines = ["\(plan.pass.name): pipelined over \(String(format: "%.0f", plan.iterations)) iterations\(outer)"
                     + (plan.spills ? "; live intermediates \(Int(plan.pass.liveIntermediateBytes)) B overflow the buffer and spill" : "")]
        for p in plan.placements where p.unit >= 0 {
            let rows = p.rowRanks.isEmpty ? "-" : p.rowRanks.joined(separator: "×")
            let cols = p.columnRanks.isEmpty ? "" : ", columns \(p.columnRanks.joined(separator: "×"))"
            lines.append("  \(p.einsum) on \(machine.units[p.unit].name): rows \(rows)\(cols), \(String(format: "%.1f", 100 * p.utilization))% of its lanes"
                         + (p.lentUnit >= 0 ? " (lends to \(machine.units[p.lentUnit].name))" : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// Passes run back to back as one result (useful FLOPs: 2 per matrix MAC; the roofline bound
    /// from those FLOPs and the compulsory bytes — the first pass's inputs, the last's outputs).
    /// With `cycle`, each pass's pipelined loop is scheduled by the cycle engine
    /// (``CycleEngine/schedule(passes:machine:)``) instead.
    public static func result(_ plans: [SpatialPassMapper.Plan], machine: Machine, label: String, compulsoryBytes: Double,
                              cycle: Bool = false) throws -> SimulationResult {
        var costs = plans.map { SpatialPassCost($0, machine: machine) }
        var trace: ChromeTrace?
        if cycle {
            let scheduled = try CycleEngine().schedule(passes: costs, machine: machine)
            for i in costs.indices { costs[i].seconds = scheduled.seconds[i] }
            trace = scheduled.trace
        }
        let latency = costs.reduce(0) { $0 + $1.seconds }
        let dynamic = costs.reduce(0) { $0 + $1.dynamicJoules }
        let staticJ = machine.idleWatts * latency
        let flops = 2 * plans.reduce(0) { $0 + $1.pass.matrixMACs }
        let peak = 2 * machine.peak(.matrixMAC)
        var components: [String: Double] = [:], resources: [String: Double] = [:], utilization: [String: Double] = [:]
        var bytesPerLevel: [String: Double] = [machine.mainMemory.name: 0]
        for c in costs {
            for (k, v) in c.energyByComponent { components[k, default: 0] += v }
            for u in c.unitSeconds { resources[u.unit, default: 0] += u.seconds }
            resources[machine.mainMemory.name, default: 0] += c.dramSeconds
            bytesPerLevel[machine.mainMemory.name, default: 0] += c.dramBytes
            if let b = machine.onChipBuffer {
                resources[b.name, default: 0] += c.bufferSeconds
                bytesPerLevel[b.name, default: 0] += c.bufferBytes
            }
        }
        for u in machine.units {
            let useful = costs.flatMap(\.einsums).filter { $0.unit == u.name }.reduce(0.0) { $0 + $1.seconds * $1.utilization }
            utilization[u.name] = latency > 0 ? min(1, useful / latency) : 0
        }
        let bound = resources.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "none"
        let text = plans.map { describe($0, machine: machine) }.joined(separator: "\n")
            + "\nutilization: " + machine.units.map { "\($0.name) \(String(format: "%.1f", 100 * (utilization[$0.name] ?? 0)))%" }.joined(separator: ", ")
        var result = SimulationResult(
            hardware: machine.name, kernel: label, engine: cycle ? "cycle" : "roofline", latencySeconds: latency, energyJoules: staticJ + dynamic,
            flops: flops, dramBytes: costs.reduce(0) { $0 + $1.dramBytes }, l2Bytes: costs.reduce(0) { $0 + $1.bufferBytes },
            sharedMemoryBytes: 0, clockRatio: 1, averagePowerWatts: latency > 0 ? (staticJ + dynamic) / latency : 0,
            staticJoules: staticJ, dynamicJoules: dynamic, energyByComponent: components, resourceSeconds: resources,
            kernels: zip(costs, plans).map { .init(name: $0.name, seconds: $0.seconds, dynamicJoules: $0.dynamicJoules, dramBytes: $0.dramBytes,
                                                   flops: 2 * $1.pass.matrixMACs) },
            bound: bound, rooflineSeconds: max(peak > 0 ? flops / peak : 0, compulsoryBytes / machine.mainMemory.bandwidth), loopNest: text)
        result.einsums = costs.flatMap(\.einsums)
        result.utilization = utilization
        result.bytesPerLevel = bytesPerLevel
        result.peakFLOPS = peak
        result.bandwidths = [machine.mainMemory.name: machine.mainMemory.bandwidth]
        if let b = machine.onChipBuffer { result.bandwidths[b.name] = b.bandwidth }
        result.trace = trace
        return result
    }

    /// `plans` run before `result` (a predictor's or a quantization's passes ahead of the
    /// attention) or after it (`before: false`, e.g. SLA's linear part): their time, energy,
    /// FLOPs, traffic, kernels and Einsums added. Under the cycle engine (`result.engine ==
    /// "cycle"`) the passes are scheduled too, and their trace joins the attention's in order.
    public static func adding(_ plans: [SpatialPassMapper.Plan], to result: SimulationResult, machine: Machine,
                              before: Bool = true, note: String) throws -> SimulationResult {
        guard !plans.isEmpty else { return result }
        let extra = try Self.result(plans, machine: machine, label: "", compulsoryBytes: 0, cycle: result.engine == "cycle")
        var r = result
        r.kernels = before ? extra.kernels + r.kernels : r.kernels + extra.kernels
        r.einsums = before ? extra.einsums + r.einsums : r.einsums + extra.einsums
        r.latencySeconds += extra.latencySeconds
        r.dynamicJoules += extra.dynamicJoules
        r.staticJoules += extra.staticJoules
        r.energyJoules += extra.energyJoules
        r.flops += extra.flops
        r.dramBytes += extra.dramBytes
        r.l2Bytes += extra.l2Bytes
        for (k, v) in extra.energyByComponent { r.energyByComponent[k, default: 0] += v }
        for (k, v) in extra.resourceSeconds { r.resourceSeconds[k, default: 0] += v }
        for (k, v) in extra.bytesPerLevel { r.bytesPerLevel[k, default: 0] += v }
        if r.latencySeconds > 0 {
            for u in machine.units {
                let busy = (result.utilization[u.name] ?? 0) * result.latencySeconds + (extra.utilization[u.name] ?? 0) * extra.latencySeconds
                r.utilization[u.name] = min(1, busy / r.latencySeconds)
            }
        }
        r.averagePowerWatts = r.latencySeconds > 0 ? r.energyJoules / r.latencySeconds : 0
        if let passes = extra.trace {
            var joined = ChromeTrace()
            if before {
                joined.append(passes, offsetSeconds: 0)
                if let t = r.trace { joined.append(t, offsetSeconds: extra.latencySeconds) }
            } else {
                if let t = r.trace { joined.append(t, offsetSeconds: 0) }
                joined.append(passes, offsetSeconds: result.latencySeconds)
            }
            r.trace = joined
        }
        let lines = extra.loopNest.split(separator: "\n").filter { !$0.hasPrefix("utilization:") }.joined(separator: "\n")
        let attention = r.loopNest.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("utilization:") }.joined(separator: "\n")
        r.loopNest = (before ? note + "\n" + lines + "\n" + attention : attention + "\n" + note + "\n" + lines)
            + "\nutilization: " + machine.units.map { "\($0.name) \(String(format: "%.1f", 100 * (r.utilization[$0.name] ?? 0)))%" }.joined(separator: ", ")
        return r
    }
}
