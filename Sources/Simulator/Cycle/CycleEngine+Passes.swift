import EinsimCore
import HardwareModel
import Mapper

extension CycleEngine {
    /// Mapped ``SpatialPass``es (costed by ``SpatialPassCost``) one after another, each as its
    /// pipelined loop over the pass's outer iterations: per iteration the DRAM traffic, the
    /// buffer traffic overlapping the Einsums it feeds, and every Einsum on its unit in cascade
    /// order after its producer; one iteration in flight per stage. Returns each pass's seconds
    /// (launch included) and the schedule's first iterations as a trace.
    public func schedule(passes: [SpatialPassCost], machine: Machine) throws -> (seconds: [Double], trace: ChromeTrace) {
        var seconds: [Double] = []
        var trace = ChromeTrace()
        var clock = 0.0
        for pass in passes {
            let iterations = max(1, min(pass.iterations.rounded(.up), 1e15))
            var body = LoopBody()
            var resources: [String: Int] = [:]
            func resource(_ name: String) -> Int {
                if let r = resources[name] { return r }
                let r = body.addResource(name); resources[name] = r; return r
            }
            let dram = body.addTask("DRAM traffic", on: resource(machine.mainMemory.name), duration: pass.dramSeconds / iterations)
            var bufferTask: Int?
            if pass.bufferSeconds > 0, let buffer = machine.onChipBuffer {
                bufferTask = body.addTask("buffer traffic", on: resource(buffer.name), duration: pass.bufferSeconds / iterations,
                                          after: [LoopDependency(task: dram)])
            }
            var previous = [dram], pending: [Int] = []
            var first: Int?
            for stage in pass.stages {
                let t = body.addTask(stage.einsum, on: resource(stage.unit), duration: stage.seconds / iterations,
                                     after: previous.map { LoopDependency(task: $0) })
                if first == nil { first = t }
                if stage.einsum.hasSuffix("(lent)") { pending.append(t) } else { previous = [t] + pending; pending = [] }
            }
            if let bufferTask, let last = previous.first, last != dram {
                body.tasks[last].dependencies.append(LoopDependency(task: bufferTask))
            }
            if let first { body.addBuffer(producer: dram, consumer: first, depth: pass.stages.count + 1) }
            let n = Int(min(iterations, 4e15))
            let schedule: LoopSchedule
            do { schedule = try LoopScheduler.schedule(body, iterations: n, maxUnrolled: window) }
            catch { throw SimulationError.unsupported("the cycle engine could not schedule '\(pass.name)': \(error)") }
            if trace.events.count < 4096 {
                let window = body.unrolled(schedule.scheduledIterations)
                for (t, task) in window.tasks.enumerated() {
                    let track = trace.track(process: machine.name, thread: body.resources[task.resource].name)
                    trace.add(.init(name: "\(pass.name): \(task.name)", track: track, startSeconds: clock + pass.launchSeconds + schedule.window.start[t],
                                    durationSeconds: task.duration, category: body.resources[task.resource].name))
                }
            }
            let total = pass.launchSeconds + schedule.makespan
            seconds.append(total)
            clock += total
        }
        return (seconds, trace)
    }
}
