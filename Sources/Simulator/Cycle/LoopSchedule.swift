/// A dependency of a loop-body task on task `task` of iteration `i − distance` (0 = the same
/// iteration), `lag` seconds after that task finishes.
public struct LoopDependency: Sendable, Hashable {
    public var task: Int
    public var distance: Int
    public var lag: Double

    public init(task: Int, distance: Int = 0, lag: Double = 0) {
        self.task = task; self.distance = distance; self.lag = lag
    }
}

/// One task of a loop body (repeated every iteration).
public struct LoopTask: Sendable, Hashable {
    public var name: String
    public var resource: Int
    public var duration: Double
    public var dependencies: [LoopDependency]

    public init(name: String, resource: Int, duration: Double, dependencies: [LoopDependency] = []) {
        self.name = name; self.resource = resource; self.duration = duration; self.dependencies = dependencies
    }
}

/// The body of a loop: tasks that run once per iteration, with dependencies inside the iteration
/// and across iterations (a tile loop: load → compute → store, double-buffered).
public struct LoopBody: Sendable, Hashable {
    public var resources: [ScheduleResource]
    public var tasks: [LoopTask]

    public init(resources: [ScheduleResource] = [], tasks: [LoopTask] = []) {
        self.resources = resources; self.tasks = tasks
    }

    @discardableResult
    public mutating func addResource(_ name: String, slots: Int = 1) -> Int {
        resources.append(ScheduleResource(name: name, slots: slots))
        return resources.count - 1
    }

    @discardableResult
    public mutating func addTask(_ name: String, on resource: Int, duration: Double,
                                 after dependencies: [LoopDependency] = []) -> Int {
        tasks.append(LoopTask(name: name, resource: resource, duration: duration, dependencies: dependencies))
        return tasks.count - 1
    }

    /// A buffer of `depth` tiles: `producer` of iteration i waits for `consumer` of i − depth.
    public mutating func addBuffer(producer: Int, consumer: Int, depth: Int) {
        guard depth > 0, tasks.indices.contains(producer) else { return }
        tasks[producer].dependencies.append(LoopDependency(task: consumer, distance: depth))
    }

    /// Largest dependency distance (how many iterations of history the body looks back).
    var maxDistance: Int { tasks.flatMap(\.dependencies).map(\.distance).max() ?? 0 }

    /// The loop unrolled `iterations` times (task index = iteration × tasks + task).
    public func unrolled(_ iterations: Int) -> ScheduleProblem {
        var problem = ScheduleProblem(resources: resources)
        problem.tasks.reserveCapacity(iterations * tasks.count)
        for iteration in 0..<max(0, iterations) {
            for task in tasks {
                let dependencies = task.dependencies.compactMap { dep -> TaskDependency? in
                    let source = iteration - dep.distance
                    guard source >= 0 else { return nil }
                    return TaskDependency(task: source * tasks.count + dep.task, lag: dep.lag)
                }
                problem.tasks.append(ScheduleTask(name: task.name, resource: task.resource,
                                                  duration: task.duration, dependencies: dependencies))
            }
        }
        return problem
    }
}

/// The schedule of `iterations` repetitions of a loop body.
public struct LoopSchedule: Sendable, Hashable {
    public var iterations: Int
    public var makespan: Double
    /// Busy slot-seconds per resource over all iterations.
    public var busy: [Double]
    /// Steady-state time between iterations (0 when every iteration was scheduled).
    public var period: Double
    /// Iterations actually scheduled; their schedule (for traces) is `window`.
    public var scheduledIterations: Int
    public var window: Schedule
    /// True when the result is exact (all iterations scheduled, or a verified periodic regime).
    public var exact: Bool
}

/// Schedules n iterations of a loop body with bounded work: it schedules up to `maxUnrolled`
/// iterations and, once the last ones repeat with a fixed period, extrapolates.
///
/// Exactness: the extrapolation equals the full n-iteration schedule when, in the scheduled
/// window, (1) the last `max(1, D) + 1` iterations (D = the largest dependency distance) start
/// every task exactly `period` after the iteration before (a periodic regime of period one
/// iteration), and (2) every resource ran the window's tasks in iteration order (no later
/// iteration overtook an earlier one, so iterations beyond the window could not have delayed the
/// window). The scheduler is translation-invariant, so the regime then persists. When either
/// check fails at `maxUnrolled`, the window doubles (up to 8 × `maxUnrolled`); failing that, the
/// mean period of the window's second half is used and `exact` is false.
public enum LoopScheduler {
    public static func schedule(_ body: LoopBody, iterations: Int, maxUnrolled: Int = 8) throws -> LoopSchedule {
        let n = max(0, iterations)
        let perIteration = (0..<body.resources.count).map { resource in
            body.tasks.filter { $0.resource == resource }.reduce(0) { $0 + $1.duration }
        }
        let busy = perIteration.map { $0 * Double(n) }
        let lookback = max(1, body.maxDistance) + 1
        var window = max(maxUnrolled, lookback + 1, 3)
        let cap = max(window, 8 * maxUnrolled)
        while true {
            if n <= window {
                let schedule = try EventScheduler.schedule(body.unrolled(n))
                return LoopSchedule(iterations: n, makespan: schedule.makespan, busy: busy, period: 0,
                                    scheduledIterations: n, window: schedule, exact: true)
            }
            let schedule = try EventScheduler.schedule(body.unrolled(window))
            let tasks = body.tasks.count
            let finishOf: (Int) -> Double = { iteration in
                (0..<tasks).map { schedule.finish[iteration * tasks + $0] }.max() ?? 0
            }
            let last = finishOf(window - 1)
            if let period = periodicShift(schedule, tasks: tasks, window: window, lookback: lookback),
               servedInOrder(schedule, body: body, window: window) {
                let extrapolated = last + Double(n - window) * period
                return LoopSchedule(iterations: n, makespan: max(schedule.makespan, extrapolated), busy: busy,
                                    period: period, scheduledIterations: window, window: schedule, exact: true)
            }
            if window * 2 > cap {
                let half = window / 2
                let period = (last - finishOf(half - 1)) / Double(window - half)
                let extrapolated = last + Double(n - window) * max(0, period)
                return LoopSchedule(iterations: n, makespan: max(schedule.makespan, extrapolated), busy: busy,
                                    period: max(0, period), scheduledIterations: window, window: schedule, exact: false)
            }
            window *= 2
        }
    }

    /// The period p when each of the last `lookback` iterations starts every task p after the
    /// iteration before (within a rounding tolerance), else nil.
    private static func periodicShift(_ schedule: Schedule, tasks: Int, window: Int, lookback: Int) -> Double? {
        guard tasks > 0, window > lookback else { return nil }
        let tolerance = 1e-9 * max(1, schedule.makespan)
        let p = schedule.start[(window - 1) * tasks] - schedule.start[(window - 2) * tasks]
        for iteration in (window - lookback)..<window {
            for task in 0..<tasks {
                let shift = schedule.start[iteration * tasks + task] - schedule.start[(iteration - 1) * tasks + task]
                guard abs(shift - p) <= tolerance else { return nil }
            }
        }
        return p
    }

    /// True when every resource started the window's tasks in non-decreasing iteration order.
    private static func servedInOrder(_ schedule: Schedule, body: LoopBody, window: Int) -> Bool {
        let tasks = body.tasks.count
        for resource in body.resources.indices {
            var order: [(start: Double, iteration: Int)] = []
            for iteration in 0..<window {
                for (index, task) in body.tasks.enumerated() where task.resource == resource {
                    order.append((schedule.start[iteration * tasks + index], iteration))
                }
            }
            order.sort { $0.start != $1.start ? $0.start < $1.start : $0.iteration < $1.iteration }
            for pair in zip(order, order.dropFirst()) where pair.1.iteration < pair.0.iteration { return false }
        }
        return true
    }
}
