import EinsimCore
import EinsumIR
import HardwareModel
import Mapper

/// The roofline engine for targets whose units are arrays fed by an on-chip buffer (ASIC spatial
/// arrays, NPUs, PIM systems): per fusion group, each Einsum's operations on its bound unit at
/// the utilization its tiles give (issue costs from the profile), traffic per level from the
/// group's loop nest (reuse analysis), and the group's time the largest of its units' busy times
/// and its levels' transfer times (units work concurrently on a group's tiles); groups run in
/// order. Energy: operations × energy per operation, bytes × energy per byte per level, idle
/// power × time.
public struct CascadeRoofline: Sendable {
    public let mapper: SpatialMapper
    public init(mapper: SpatialMapper) { self.mapper = mapper }

    var machine: Machine { mapper.machine }

    /// Cost of one Einsum in one group.
    public struct EinsumCost: Sendable, Hashable {
        public var name: String
        public var unit: String
        public var seconds: Double
        public var joules: Double
        public var utilization: Double
    }

    struct GroupCost {
        var seconds: Double
        var joules: Double
        var dramBytes: Double
        var bufferBytes: Double
        var unitBusy: [String: Double]
        var unitUseful: [String: Double]
        var einsums: [EinsumCost]
        var bound: String
        var resources: [String: Double]
    }

    func groupCost(_ group: FusionGroup, mapping: Mapping, bound: BoundCascade) throws -> GroupCost {
        let clock = machine.clockHz
        let units = Dictionary(uniqueKeysWithValues: machine.units.map { ($0.name, $0) })
        var busy: [String: Double] = [:], useful: [String: Double] = [:]
        var einsumCosts: [EinsumCost] = []
        var joules = 0.0
        var bufferBytes = 0.0
        let crossing = Set(group.tensors.map(\.name))
        let unitOf = Dictionary(uniqueKeysWithValues: mapping.bindings.enumerated().map { ($0.element.output, $0.element.unit) })
        for i in group.einsums {
            let einsum = bound.cascade.einsums[i]
            let b = mapping.bindings[i]
            var counts = bound.operationCounts(of: einsum)
            if i == group.einsums.first && group.passes.first == 1 { counts += bound.initializationCounts() }
            guard b.unit != "(copy)", let unit = units[b.unit] else { continue }
            let util = mapper.utilization(of: einsum, on: unit, pt: mapping.queryTile, mt: mapping.keyTile)
            var seconds = 0.0, energy = 0.0
            for c in CostClass.allCases where counts[c] > 0 {
                // An operation the bound unit lacks runs on the fastest unit that has it.
                let runner = (unit.rate[c] ?? 0) > 0 ? unit : machine.fastestUnit(for: c)
                guard let runner else {
                    throw SimulationError.unsupported("no unit of '\(machine.name)' runs \(c.rawValue) (Einsum \(einsum.outputTensor))")
                }
                let u = runner.name == unit.name ? util : 1
                let t = counts[c] / (runner.throughput(c, clockHz: clock) * u)
                busy[runner.name, default: 0] += t
                useful[runner.name, default: 0] += counts[c] / runner.throughput(c, clockHz: clock)
                seconds += t
                energy += counts[c] * (runner.energy[c] ?? 0)
            }
            // Operands from the buffer: crossing tensors, or intermediates another unit produced;
            // an array multicasts an operand along the dimension that does not index it.
            let points = bound.iterationSpaceSize(of: einsum) * einsum.density
            for access in einsum.inputs {
                let t = access.tensor
                let fromBuffer = crossing.contains(t) || (unitOf[t].map { $0 != b.unit } ?? false)
                guard fromBuffer, let tensor = bound.cascade.tensor(named: t) else { continue }
                let ranks = Set(access.iteratedRanks.map { bound.cascade.partitionParent(of: $0) ?? $0 })
                var share = 1.0
                if !ranks.contains("p") { share *= Double(unit.rows ?? 1) }
                if !ranks.contains("m") && (unit.columns ?? 1) > 1 && Set(einsum.iterationRanks.map { bound.cascade.partitionParent(of: $0) ?? $0 }).contains("m") {
                    share *= Double(unit.columns ?? 1)
                }
                bufferBytes += points / max(1, share) * tensor.precision.bytes
            }
            joules += energy
            einsumCosts.append(EinsumCost(name: einsum.outputTensor, unit: unit.name, seconds: seconds, joules: energy, utilization: util))
        }
        let reuse = ReuseAnalysis.analyze(group.nest, tensors: group.tensors)
        let main = machine.mainMemory
        var dram = 0.0, dramJ = 0.0
        // Inputs read only by Einsums bound to units beside the DRAM banks stay in the banks:
        // their reads are in-bank traffic at the PIM units' rate, not external-bus traffic.
        var consumers: [String: [String]] = [:]
        for i in group.einsums {
            for t in bound.cascade.einsums[i].inputTensors {
                for source in mapper.inputSources(t) { consumers[source, default: []].append(mapping.bindings[i].unit) }
            }
        }
        let pimUnits = machine.units.filter { mapper.inBankBandwidth($0) != nil }
        let pimNames = Set(pimUnits.map(\.name))
        let inBankRate = pimUnits.reduce(0.0) { $0 + (mapper.inBankBandwidth($1) ?? 0) }
        var inBank = 0.0
        if group.nest.levels.count > 1 {
            for e in reuse.entries where e.parent == main.name {
                let output = group.tensors.first { $0.name == e.tensor }?.role == .output
                if !output, let users = consumers[e.tensor], !users.isEmpty, users.allSatisfy(pimNames.contains) {
                    inBank += e.parentBytes
                    continue
                }
                dram += e.parentBytes
                dramJ += e.parentBytes * (output ? main.writeJoulesPerByte : main.readJoulesPerByte)
            }
        } else {
            for t in group.tensors {
                dram += t.bytes
                dramJ += t.bytes * (t.role == .output ? main.writeJoulesPerByte : main.readJoulesPerByte)
            }
        }
        var resources: [String: Double] = [:]
        for (u, t) in busy { resources[u] = t }
        resources[main.name] = dram / main.bandwidth
        if inBank > 0 && inBankRate > 0 {
            resources[main.name + " (in-bank)"] = inBank / inBankRate
            joules += inBank * 8 * (machine.profile.pim?.energyPerBit ?? main.readJoulesPerByte / 8)
        }
        if let buffer = machine.onChipBuffer {
            resources[buffer.name] = (bufferBytes + dram) / buffer.bandwidth
            joules += bufferBytes * buffer.readJoulesPerByte + dram * buffer.writeJoulesPerByte
        }
        joules += dramJ
        let bound = resources.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        let seconds = (bound?.value ?? 0) + machine.launchOverheadSeconds
        return GroupCost(seconds: seconds, joules: joules, dramBytes: dram, bufferBytes: bufferBytes, unitBusy: busy,
                         unitUseful: useful, einsums: einsumCosts, bound: bound?.key ?? "none", resources: resources)
    }

    /// Latency and energy only (the search's inner loop).
    public func estimate(_ mapping: Mapping) throws -> (seconds: Double, joules: Double) {
        let bound = try mapper.bound(keyTile: mapping.keyTile)
        var t = 0.0, e = 0.0
        for g in mapping.groups {
            let c = try groupCost(g, mapping: mapping, bound: bound)
            t += c.seconds; e += c.joules
        }
        return (t, e + machine.idleWatts * t)
    }

    /// The full result with breakdowns per Einsum, unit and level.
    public func evaluate(_ mapping: Mapping, compulsoryBytes: Double, label: String) throws -> SimulationResult {
        let bound = try mapper.bound(keyTile: mapping.keyTile)
        var latency = 0.0, dynamic = 0.0, dram = 0.0, buffer = 0.0
        var kernels: [SimulationResult.KernelBreakdown] = []
        var einsums: [SimulationResult.EinsumBreakdown] = []
        var resources: [String: Double] = [:], busy: [String: Double] = [:], useful: [String: Double] = [:]
        var bounds: [String] = []
        for g in mapping.groups {
            let c = try groupCost(g, mapping: mapping, bound: bound)
            latency += c.seconds; dynamic += c.joules; dram += c.dramBytes; buffer += c.bufferBytes
            kernels.append(.init(name: g.name, seconds: c.seconds, dynamicJoules: c.joules, dramBytes: c.dramBytes))
            einsums += c.einsums.map { .init(name: $0.name, unit: $0.unit, seconds: $0.seconds, dynamicJoules: $0.joules, utilization: $0.utilization) }
            for (k, v) in c.resources { resources[k, default: 0] += v }
            for (k, v) in c.unitBusy { busy[k, default: 0] += v }
            for (k, v) in c.unitUseful { useful[k, default: 0] += v }
            bounds.append(c.bound)
        }
        var utilization: [String: Double] = [:]
        for u in machine.units { utilization[u.name] = latency > 0 ? (useful[u.name] ?? 0) / latency : 0 }
        let macs = bound.totalOperationCounts[.matrixMAC]
        let flops = 2 * macs
        let staticJ = machine.idleWatts * latency
        let peak = machine.peak(.matrixMAC) * 2
        // Data reaches compute at most at the faster of the external bus and in-bank PIM reads.
        let inBankRate = machine.units.reduce(0.0) { $0 + (mapper.inBankBandwidth($1) ?? 0) }
        let roofline = max(peak > 0 ? flops / peak : 0, compulsoryBytes / max(machine.mainMemory.bandwidth, inBankRate))
        var components: [String: Double] = [:]
        for e in einsums { components[e.unit, default: 0] += e.dynamicJoules }
        let onChipName = machine.onChipBuffer?.name ?? "buffer"
        var bytesPerLevel = [machine.mainMemory.name: dram]
        if machine.onChipBuffer != nil { bytesPerLevel[onChipName] = buffer + dram }
        let boundName = resources.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "none"
        var text = ["mapping \(mapping.name): query tiles of \(mapping.queryTile), key tiles of \(mapping.keyTile)"]
        if RooflineEngine.describesMappings {
        text.append("binding:")
        text.append(MappingText.bindings(mapping.bindings))
        for g in mapping.groups {
            text.append("fusion group \(g.name)" + (g.onChip.isEmpty ? "" : "  (on chip: \(g.onChip.joined(separator: ", ")); \(MappingText.bytes(g.bufferBytes)) of buffer)"))
            text.append(MappingText.nest(g.nest))
            text.append(MappingText.traffic(ReuseAnalysis.analyze(g.nest, tensors: g.tensors)))
        }
        }
        text.append("utilization: " + machine.units.map { "\($0.name) \(String(format: "%.1f", 100 * (utilization[$0.name] ?? 0)))%" }.joined(separator: ", "))
        var result = SimulationResult(
            hardware: machine.name, kernel: label, engine: "roofline", latencySeconds: latency,
            energyJoules: staticJ + dynamic, flops: flops, dramBytes: dram, l2Bytes: buffer, sharedMemoryBytes: 0,
            clockRatio: 1, averagePowerWatts: latency > 0 ? (staticJ + dynamic) / latency : 0,
            staticJoules: staticJ, dynamicJoules: dynamic, energyByComponent: components,
            resourceSeconds: resources, kernels: kernels, bound: boundName, rooflineSeconds: roofline,
            loopNest: text.joined(separator: "\n"))
        result.einsums = einsums
        result.utilization = utilization
        result.bytesPerLevel = bytesPerLevel
        _ = busy
        return result
    }
}
