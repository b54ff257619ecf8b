import EinsimCore
import HardwareModel
import Simulator
import Workloads

/// Batched decoding on one system, from the cycle-level engine.
public struct ServingResult: Sendable {
    /// One decode iteration of one pipeline stage (latency = time between tokens of the batch),
    /// with energy over every device of the system (tensor × pipeline devices).
    public var result: SimulationResult
    public var workload: ServingWorkload
    public var organization: ServingOrganization
    /// Sub-batches the batch was split into (interleaved on the devices).
    public var subBatches: Int
    /// Tokens generated per second by the whole system (batch / iteration time).
    public var tokensPerSecond: Double
    public var joulesPerToken: Double
    /// Per device (and per bus): MAC utilization of the compute device, busy fraction of the
    /// memory bus, the PIM banks, the vector units and the link.
    public var utilization: [String: Double]
    /// Busiest PIM bus over the mean (request-placement imbalance; 1 = balanced).
    public var pimImbalance: Double
    /// The schedule of the first layers, for `--trace`.
    public var trace: ChromeTrace
}

/// Simulates batched decoding (`--scope serving`): a decode iteration of one layer on one device
/// becomes a loop body of tasks (`ServingLayerBuilder`) that the event-driven scheduler runs
/// for the stage's layers (extrapolating the periodic steady state); PIM attention is timed at
/// DRAM-command level. Pipeline stages run concurrently on different micro-batches, so the
/// system generates `batch` tokens per stage iteration.
public enum ServingSimulation {
    /// `subBatches`: nil lets the mapper choose among the organization's choices (the fastest;
    /// ties to fewer sub-batches).
    public static func simulate(_ workload: ServingWorkload, profile: HardwareProfile, organization: ServingOrganization,
                                subBatches: Int? = nil, variant: VariantSpec? = nil) throws -> ServingResult {
        try workload.validate()
        let variant = try ServingVariant(variant ?? (try VariantSpec.parse("dense")))
        let machine = try ServingMachine(profile: profile)
        try check(organization, machine)
        if let subBatches {
            guard subBatches >= 1, subBatches <= workload.batch else {
                throw SimpleInputError("\(subBatches) sub-batches do not fit a batch of \(workload.batch)", suggestion: "use 1 to \(workload.batch) sub-batches")
            }
            return try simulate(workload, machine: machine, profile: profile, organization: organization, subBatches: subBatches, variant: variant)
        }
        var best: ServingResult?
        for choice in organization.subBatchChoices where choice <= workload.batch {
            let r = try simulate(workload, machine: machine, profile: profile, organization: organization, subBatches: choice, variant: variant)
            if r.tokensPerSecond > (best?.tokensPerSecond ?? -1) { best = r }
        }
        guard let best else {
            throw SimpleInputError("--mapping \(organization.rawValue) needs a batch of at least \(organization.subBatchChoices.min() ?? 1)", suggestion: "use a larger --batch")
        }
        return best
    }

    static func simulate(_ workload: ServingWorkload, machine: ServingMachine, profile: HardwareProfile, organization: ServingOrganization,
                         subBatches: Int, variant: ServingVariant) throws -> ServingResult {
        try checkCapacity(workload, machine: machine, organization: organization, variant: variant)
        var builder = ServingLayerBuilder(workload: workload, machine: machine, organization: organization, subBatches: subBatches, variant: variant)
        let layer = try builder.build()
        let layers = workload.layersPerStage
        let schedule: LoopSchedule
        do { schedule = try LoopScheduler.schedule(layer.body, iterations: layers, maxUnrolled: 4) }
        catch { throw SimulationError.unsupported("the serving schedule could not be built: \(error)") }
        let seconds = schedule.makespan
        let devices = Double(workload.parallelism.devices)
        var components: [String: Double] = [:]
        // Sums in key order: the same bytes every run (dictionary order varies between processes).
        for energy in layer.taskEnergy { for k in energy.keys.sorted() { components[k, default: 0] += (energy[k] ?? 0) * Double(layers) * devices } }
        let dynamic = components.keys.sorted().reduce(0.0) { $0 + (components[$1] ?? 0) }
        let staticJ = machine.idleWatts * seconds * devices
        // Per-bus PIM resources (`pim bus K`) report as `pim`: its busiest bus.
        func reported(_ name: String) -> String { name.hasPrefix("pim bus ") ? "pim" : name }
        var resourceSeconds: [String: Double] = [:]
        for (index, resource) in layer.body.resources.enumerated() {
            resourceSeconds[reported(resource.name)] = max(resourceSeconds[reported(resource.name)] ?? 0, schedule.busy[index])
        }
        var utilization: [String: Double] = [:]
        for (name, busy) in resourceSeconds { utilization[name] = seconds > 0 ? busy / seconds : 0 }
        // The compute device's figure is its MAC utilization (work over peak), as NeuPIMs reports it.
        if let npu = machine.npu, seconds > 0 {
            utilization["npu"] = layer.computeMACs * Double(layers) / (npu.peakMACsPerSecond * seconds)
        }
        var kernels: [String: (Double, Double)] = [:]
        var order: [String] = []
        // A PIM phase's buses run in parallel: its time is its busiest bus's.
        var busTime: [String: [Int: Double]] = [:]
        for (index, task) in layer.body.tasks.enumerated() {
            let name = task.name.replacingOccurrences(of: #" \d+/\d+"#, with: "", options: .regularExpression)
            if kernels[name] == nil { order.append(name) }
            let taskEnergy = layer.taskEnergy[index]
            let energy = taskEnergy.keys.sorted().reduce(0.0) { $0 + (taskEnergy[$1] ?? 0) }
            if layer.body.resources[task.resource].name.hasPrefix("pim bus ") {
                busTime[name, default: [:]][task.resource, default: 0] += task.duration * Double(layers)
            } else {
                kernels[name, default: (0, 0)].0 += task.duration * Double(layers)
            }
            kernels[name, default: (0, 0)].1 += energy * Double(layers)
        }
        for (name, buses) in busTime { kernels[name, default: (0, 0)].0 += buses.values.max() ?? 0 }
        let busiest = resourceSeconds.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "none"
        let lowerBound = layer.body.resources.indices.map { schedule.busy[$0] }.max() ?? 0
        let tokens = Double(workload.batch)
        let flops = layer.flops * Double(layers) * devices
        let result = SimulationResult(
            hardware: profile.name, kernel: organization.rawValue, engine: "cycle", latencySeconds: seconds,
            energyJoules: dynamic + staticJ, flops: flops, dramBytes: layer.externalBytes * Double(layers) * devices,
            l2Bytes: 0, sharedMemoryBytes: 0, clockRatio: 1,
            averagePowerWatts: seconds > 0 ? (dynamic + staticJ) / seconds : 0, staticJoules: staticJ, dynamicJoules: dynamic,
            energyByComponent: components, resourceSeconds: resourceSeconds,
            kernels: order.map { .init(name: $0, seconds: kernels[$0]?.0 ?? 0, dynamicJoules: kernels[$0]?.1 ?? 0, dramBytes: 0) },
            bound: busiest, rooflineSeconds: lowerBound,
            loopNest: (["\(organization.rawValue): \(organization.summary); \(subBatches) sub-batch\(subBatches == 1 ? "" : "es")",
                        "\(workload.model.name) TP \(workload.parallelism.tensor) PP \(workload.parallelism.pipeline), batch \(workload.batch), \(workload.dataset.name) (mean KV length \(String(format: "%.0f", workload.meanContextLength)))",
                        "per device per layer: \(layer.body.tasks.count) tasks on \(layer.body.resources.map(\.name).joined(separator: ", ")); \(layers) layers per stage (\(schedule.exact ? "exact" : "approximate") steady state, period \(Format.seconds(schedule.period)))"]
                       + layer.notes).joined(separator: "\n"))
        var r = result
        r.utilization = utilization
        r.bytesPerLevel = [machine.memory.name: layer.externalBytes * Double(layers) * devices]
        if layer.pimInternalBytes > 0 { r.bytesPerLevel[machine.pimName + " (in-bank)"] = layer.pimInternalBytes * Double(layers) * devices }
        let window = layer.body.unrolled(schedule.scheduledIterations)
        let tasksPerLayer = layer.body.tasks.count
        let trace = ChromeTrace.from(schedule.window, problem: window) { index in
            let resource = window.tasks[index].resource
            _ = tasksPerLayer
            return ChromeTrace.Track(process: "\(profile.name) device 0", thread: layer.body.resources[resource].name)
        }
        return ServingResult(result: r, workload: workload, organization: organization, subBatches: subBatches,
                             tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
                             joulesPerToken: tokens > 0 ? (dynamic + staticJ) / tokens : 0,
                             utilization: utilization, pimImbalance: layer.pimImbalance, trace: trace)
    }

    /// Refuses a batch whose weights and KV cache do not fit a device: the stage's weights in the
    /// compute device's memory, every request's cached tokens (all layers of the stage) in the
    /// memory that runs attention (the same one without PIM, or when PIM is in the NPU's HBM).
    /// The refusal names the largest batch that fits, or says the weights alone do not.
    static func checkCapacity(_ workload: ServingWorkload, machine: ServingMachine, organization: ServingOrganization,
                              variant: ServingVariant) throws {
        let separate = organization.attentionOnPIM && !machine.memory.sharedWithPIM && machine.pimCapacityBytes > 0
        let need = Self.memoryNeed(workload, variant: variant)
        guard !Self.fits(need, machine: machine, separate: separate) else { return }
        let weightsOnly = Self.fits((need.weights, 0), machine: machine, separate: separate)
        var advice = "use more --pipeline-parallel stages or --tensor-parallel devices"
        if weightsOnly {
            // Largest batch that fits: the KV cache grows with the batch (bisection over 1…batch − 1).
            var low = 0, high = workload.batch
            while high - low > 1 {
                let mid = low + (high - low) / 2
                var smaller = workload
                smaller.batch = mid
                if Self.fits(Self.memoryNeed(smaller, variant: variant), machine: machine, separate: separate) { low = mid } else { high = mid }
            }
            advice = low >= 1 ? "at most --batch \(low) fits; or " + advice : advice
        } else {
            advice = "the weights alone do not fit; " + advice
        }
        if separate {
            throw SimulationError.unsupported("\(workload.model.name) at batch \(workload.batch) needs \(Self.gigabytes(need.weights)) of weights and \(Self.gigabytes(need.kv)) of KV cache per device; '\(machine.profile.name)' holds \(Self.gigabytes(machine.memory.capacityBytes)) and \(Self.gigabytes(machine.pimCapacityBytes)) of PIM memory; \(advice)")
        }
        throw SimulationError.unsupported("\(workload.model.name) at batch \(workload.batch) needs \(Self.gigabytes(need.weights)) of weights + \(Self.gigabytes(need.kv)) of KV cache per device, more than the \(Self.gigabytes(machine.memory.capacityBytes)) of '\(machine.profile.name)'; \(advice)")
    }

    /// Bytes one device holds: its stage's weights and its share of every request's KV cache.
    static func memoryNeed(_ workload: ServingWorkload, variant: ServingVariant) -> (weights: Double, kv: Double) {
        let m = workload.shardedModel
        let layers = Double(workload.layersPerStage)
        let weights = layers * 2 * Double(m.dModel) * Double((m.heads + 2 * m.kvHeads) * m.headDim + m.heads * m.headDim + 2 * m.ffn)
        let tokens = Double(workload.contextLengths.reduce(0, +))
        return (weights, tokens * layers * Double(2 * m.kvHeads * m.headDim) * variant.bytesPerElement)
    }

    static func fits(_ need: (weights: Double, kv: Double), machine: ServingMachine, separate: Bool) -> Bool {
        separate ? need.weights <= machine.memory.capacityBytes && need.kv <= machine.pimCapacityBytes
                 : need.weights + need.kv <= machine.memory.capacityBytes
    }

    static func gigabytes(_ x: Double) -> String { Format.fixed(x / 1e9, 1) + " GB" }

    /// Refuses an organization the system's devices cannot run, naming the ones that can.
    static func check(_ organization: ServingOrganization, _ machine: ServingMachine) throws {
        let possible = ServingOrganization.allCases.filter { possibleOn($0, machine) }
        guard possibleOn(organization, machine) else {
            throw SimpleInputError("--mapping \(organization.rawValue) does not run on '\(machine.profile.name)' (\(organization.summary))",
                                   suggestion: "on \(machine.profile.name): " + possible.map(\.rawValue).joined(separator: ", "))
        }
    }

    /// True when `profile`'s devices can run `organization` (for `einsim list`).
    public static func runs(_ organization: ServingOrganization, on profile: HardwareProfile) -> Bool {
        guard let machine = try? ServingMachine(profile: profile) else { return false }
        return possibleOn(organization, machine)
    }

    static func possibleOn(_ organization: ServingOrganization, _ machine: ServingMachine) -> Bool {
        switch organization {
        case .gpuOnly: return machine.gpu != nil
        case .npuOnly: return machine.npu != nil
        case .npuPIM, .neupims: return machine.npu != nil && machine.pim != nil
        case .attacc: return machine.gpu != nil && machine.pim != nil
        case .offload: return machine.pim != nil && machine.link != nil
        }
    }
}

extension ServingSimulation {
    /// The organization with the highest throughput among those the system runs (ties: the
    /// lower energy per token, then the order of `ServingOrganization.allCases`).
    public static func best(_ workload: ServingWorkload, profile: HardwareProfile, variant: VariantSpec? = nil) throws -> ServingResult {
        let machine = try ServingMachine(profile: profile)
        var best: ServingResult?
        var firstError: Error?
        for organization in ServingOrganization.allCases where possibleOn(organization, machine) {
            do {
                let r = try simulate(workload, profile: profile, organization: organization, variant: variant)
                if let b = best, !(r.tokensPerSecond > b.tokensPerSecond || (r.tokensPerSecond == b.tokensPerSecond && r.joulesPerToken < b.joulesPerToken)) { continue }
                best = r
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let best { return best }
        throw firstError ?? SimulationError.unsupported("'\(profile.name)' runs none of the serving organizations (\(ServingOrganization.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
}
