import EinsimCore
import HardwareModel
import Mapper
import Workloads

/// The cycle-level engine: the mapping's tiles become tasks on the machine's resources and an
/// event-driven scheduler places them (``LoopScheduler``: the loop of tiles is scheduled until it
/// repeats, then extrapolated exactly).
///
/// - GPU kernels: each thread block's loop over its key tiles, wave by wave: a tile's loads on the
///   memory system (`hbm`), its matrix and softmax work on the SMs (`sms`), a buffer of two tiles
///   (the kernels' double-buffered shared-memory stages), so loads run ahead of compute by at most
///   one tile. The kernel's fixed part (launch, first-load latency, combine chain) precedes it.
/// - Spatial arrays, NPUs and PIM: each fusion group's pipelined loop: per iteration the DRAM (or
///   in-bank) reads, the buffer traffic (overlapping the Einsums it feeds) and every Einsum on its
///   bound unit in cascade order, each after its producer; iterations overlap on different units
///   (the pipelined schedule, one tile in flight per stage) or run one after another (the
///   sequential one, loads double-buffered).
///
/// In the throughput-bound limit the period is the busiest resource's time per tile, so the
/// result tends to the roofline engine's; what the roofline cannot see shows up for short loops:
/// pipeline fill and drain, loads that cannot hide behind compute, serialized dependences.
/// Energy is the roofline engine's dynamic energy (the same work) plus idle power over the
/// cycle engine's latency.
public struct CycleEngine: Engine, Sendable {
    public var name: String { "cycle" }
    /// Iterations scheduled before the steady state is extrapolated.
    public var window: Int

    public init(window: Int = 16) { self.window = window }

    public func evaluate(_ work: MappedWork) throws -> SimulationResult {
        switch work {
        case let .gpuAttention(shape, algorithm, mapping, machine, elementBytes):
            return try gpu(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
        case let .spatial(problem, plan):
            return try spatial(problem: problem, plan: plan)
        }
    }

    // MARK: GPU

    func gpu(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping, machine: GPUMachine,
             elementBytes: Double) throws -> SimulationResult {
        let roofline = RooflineEngine()
        var result = roofline.evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
        let kernels = roofline.attentionKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
        let scheduled = try schedule(kernels: kernels, clockRatio: result.clockRatio, device: machine.name)
        result.kernels = scheduled.kernels
        result.addMemoryActiveEnergy(scheduled.memoryEnergyChange, dramLevel: machine.levels.dram)
        return finished(result, latency: scheduled.seconds, idleWatts: machine.idleWatts, trace: scheduled.trace)
    }

    /// GPU kernels one after another, each as its tile loop (``KernelCost/tiles`` iterations of
    /// a tile's loads on `hbm` and its compute on `sms`, two tiles buffered) after its fixed part.
    /// `memoryEnergyChange`: the memory system's time-proportional energy over the scheduled
    /// times minus over the roofline times at `clockRatio` (what the result's dynamic energy and
    /// its DRAM part gain, so that they and the kernels' energies still add up).
    public func schedule(kernels: [KernelCost], clockRatio ratio: Double, device: String) throws
        -> (seconds: Double, kernels: [SimulationResult.KernelBreakdown], trace: ChromeTrace, memoryEnergyChange: Double) {
        var latency = 0.0, memoryEnergyChange = 0.0
        var trace = ChromeTrace()
        var breakdown: [SimulationResult.KernelBreakdown] = []
        for kernel in kernels {
            let iterations = max(1, kernel.tiles.rounded(.up))
            var body = LoopBody()
            let memory = body.addResource("hbm"), sms = body.addResource("sms")
            let load = body.addTask("\(kernel.name) tile loads", on: memory, duration: kernel.memorySeconds / iterations)
            let compute = body.addTask("\(kernel.name) tile compute", on: sms, duration: kernel.computeSeconds / ratio / iterations,
                                       after: [LoopDependency(task: load)])
            body.addBuffer(producer: load, consumer: compute, depth: 2)
            let schedule = try scheduled(body, iterations: iterations)
            let seconds = kernel.fixedSeconds + schedule.makespan
            if trace.events.count < 4096 {
                let offset = latency + kernel.fixedSeconds
                let problem = body.unrolled(schedule.scheduledIterations)
                for (t, task) in problem.tasks.enumerated() {
                    let track = trace.track(process: device, thread: body.resources[task.resource].name)
                    trace.add(.init(name: task.name, track: track, startSeconds: offset + schedule.window.start[t], durationSeconds: task.duration,
                                    category: body.resources[task.resource].name))
                }
            }
            latency += seconds
            memoryEnergyChange += kernel.memoryActiveEnergy(seconds: seconds) - kernel.memoryActiveEnergy(seconds: kernel.seconds(clockRatio: ratio))
            breakdown.append(.init(name: kernel.name, seconds: seconds, dynamicJoules: kernel.dynamicEnergy(clockRatio: ratio, seconds: seconds), dramBytes: kernel.dramBytes))
        }
        return (latency, breakdown, trace, memoryEnergyChange)
    }

    // MARK: spatial

    func spatial(problem: SpatialProblem, plan: SpatialPlan) throws -> SimulationResult {
        let model = SpatialCostModel(problem: problem)
        var result = model.result(plan, label: plan.name, engine: "cycle")
        let cost = model.cost(plan, detail: true)
        var latency = 0.0
        var trace = ChromeTrace()
        var breakdown = result.kernels
        for (g, group) in cost.groups.enumerated() {
            let iterations = max(1, min(group.iterations.rounded(.up), 1e15))
            var body = LoopBody()
            var resources: [String: Int] = [:]
            func resource(_ name: String) -> Int {
                if let r = resources[name] { return r }
                let r = body.addResource(name); resources[name] = r; return r
            }
            let dram = body.addTask("DRAM reads", on: resource(problem.machine.mainMemory.name), duration: group.dramSeconds / iterations)
            var previous = [dram]
            var firstStage: Int?
            if group.inBankSeconds > 0 {
                previous.append(body.addTask("in-bank reads", on: resource(problem.machine.mainMemory.name + " (in-bank)"),
                                             duration: group.inBankSeconds / iterations))
            }
            // The buffer serves the Einsums' operands while they run: its traffic overlaps the
            // stages and must be done when the iteration's last Einsum is.
            var bufferTask: Int?
            if group.bufferSeconds > 0, let buffer = problem.machine.onChipBuffer {
                bufferTask = body.addTask("buffer traffic", on: resource(buffer.name), duration: group.bufferSeconds / iterations,
                                          after: previous.map { LoopDependency(task: $0) })
            }
            var pending: [Int] = []
            for stage in group.stages {
                let deps = previous.map { LoopDependency(task: $0) }
                let t = body.addTask(stage.einsum, on: resource(stage.unit), duration: stage.seconds / iterations, after: deps)
                if firstStage == nil { firstStage = t }
                if stage.einsum.hasSuffix("(lent)") { pending.append(t) } else { previous = [t] + pending; pending = [] }
            }
            let last = previous.first ?? dram
            if let bufferTask, last != dram { body.tasks[last].dependencies.append(LoopDependency(task: bufferTask)) }
            if let first = firstStage {
                // A software pipeline keeps one tile in flight per stage (FuseMax interleaves query
                // sub-blocks for this); a sequential schedule double-buffers its loads.
                body.addBuffer(producer: dram, consumer: first, depth: group.pipelined ? group.stages.count + 1 : 2)
                if !group.pipelined { body.tasks[first].dependencies.append(LoopDependency(task: last, distance: 1)) }
            }
            let schedule = try scheduled(body, iterations: iterations)
            let seconds = group.launchSeconds + schedule.makespan
            if trace.events.count < 4096 {
                let problemWindow = body.unrolled(schedule.scheduledIterations)
                for (t, task) in problemWindow.tasks.enumerated() {
                    let track = trace.track(process: problem.machine.name, thread: body.resources[task.resource].name)
                    trace.add(.init(name: "group \(g + 1): \(task.name)", track: track, startSeconds: latency + group.launchSeconds + schedule.window.start[t],
                                    durationSeconds: task.duration, category: body.resources[task.resource].name))
                }
            }
            latency += seconds
            if breakdown.indices.contains(g) { breakdown[g].seconds = seconds }
        }
        result.kernels = breakdown
        return finished(result, latency: latency, idleWatts: problem.machine.idleWatts, trace: trace)
    }

    // MARK: shared

    private func scheduled(_ body: LoopBody, iterations: Double) throws -> LoopSchedule {
        let n = Int(min(iterations, 4e15))
        do { return try LoopScheduler.schedule(body, iterations: n, maxUnrolled: window) }
        catch { throw SimulationError.unsupported("the cycle engine could not schedule the mapping: \(error)") }
    }

    private func finished(_ r: SimulationResult, latency: Double, idleWatts: Double, trace: ChromeTrace) -> SimulationResult {
        var result = r
        result.engine = "cycle"
        result.latencySeconds = latency
        result.staticJoules = idleWatts * latency
        result.energyJoules = result.staticJoules + result.dynamicJoules
        result.averagePowerWatts = latency > 0 ? result.energyJoules / latency : 0
        // Utilization is busy time over the (longer) cycle-engine latency.
        if r.latencySeconds > 0, latency > 0 {
            result.utilization = r.utilization.mapValues { $0 * r.latencySeconds / latency }
        }
        result.trace = trace
        return result
    }
}
