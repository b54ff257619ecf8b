/// A resource of an event schedule: a compute unit, DMA engine, memory channel or PIM bank.
/// It runs at most `slots` tasks at a time (1 = one at a time).
public struct ScheduleResource: Sendable, Hashable {
    public var name: String
    public var slots: Int

    public init(name: String, slots: Int = 1) {
        self.name = name
        self.slots = slots
    }
}

/// "This task starts no earlier than `lag` seconds after task `task` finishes" (lag may be
/// negative to let a consumer overlap the end of its producer; a task never starts before 0).
public struct TaskDependency: Sendable, Hashable {
    public var task: Int
    public var lag: Double

    public init(task: Int, lag: Double = 0) {
        self.task = task
        self.lag = lag
    }
}

/// One task: `duration` seconds on resource `resource` (an index into the problem's resources),
/// after its dependencies. Among tasks waiting for the same resource, the lower index goes first.
public struct ScheduleTask: Sendable, Hashable {
    public var name: String
    public var resource: Int
    public var duration: Double
    public var dependencies: [TaskDependency]

    public init(name: String, resource: Int, duration: Double, dependencies: [TaskDependency] = []) {
        self.name = name
        self.resource = resource
        self.duration = duration
        self.dependencies = dependencies
    }
}

/// Tasks on resources with dependencies, ready for ``EventScheduler/schedule(_:)``.
public struct ScheduleProblem: Sendable, Hashable {
    public var resources: [ScheduleResource]
    public var tasks: [ScheduleTask]

    public init(resources: [ScheduleResource] = [], tasks: [ScheduleTask] = []) {
        self.resources = resources
        self.tasks = tasks
    }

    /// Adds a resource and returns its index.
    @discardableResult
    public mutating func addResource(_ name: String, slots: Int = 1) -> Int {
        resources.append(ScheduleResource(name: name, slots: slots))
        return resources.count - 1
    }

    /// Adds a task and returns its index (its priority: lower indices win ties for a resource).
    @discardableResult
    public mutating func addTask(_ name: String, on resource: Int, duration: Double,
                                 after dependencies: [TaskDependency] = []) -> Int {
        tasks.append(ScheduleTask(name: name, resource: resource, duration: duration, dependencies: dependencies))
        return tasks.count - 1
    }

    /// A finite buffer of `depth` tiles between a producer and a consumer sequence (tile t of
    /// each at index t): producer t may not start before consumer t − depth has finished, so the
    /// producer runs at most `depth` tiles ahead (double buffering = 2).
    public mutating func addBuffer(producers: [Int], consumers: [Int], depth: Int) {
        guard depth > 0 else { return }
        for tile in producers.indices where tile - depth >= 0 && tile - depth < consumers.count {
            tasks[producers[tile]].dependencies.append(TaskDependency(task: consumers[tile - depth]))
        }
    }
}

/// Why a problem cannot be scheduled.
public enum ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    case badResource(task: Int, resource: Int)
    case badSlots(resource: Int, slots: Int)
    case badDuration(task: Int, duration: Double)
    case badDependency(task: Int, dependency: Int)
    case badLag(task: Int, lag: Double)
    /// Tasks that can never start (their dependencies form a cycle).
    case cycle(tasks: [Int])

    public var description: String {
        switch self {
        case .badResource(let task, let resource): return "task \(task) names resource \(resource), which does not exist"
        case .badSlots(let resource, let slots): return "resource \(resource) has \(slots) slots (needs at least 1)"
        case .badDuration(let task, let duration): return "task \(task) has duration \(duration) (needs a finite value ≥ 0)"
        case .badDependency(let task, let dependency): return "task \(task) depends on task \(dependency), which does not exist"
        case .badLag(let task, let lag): return "task \(task) has a dependency lag of \(lag) (needs a finite value)"
        case .cycle(let tasks): return "tasks \(tasks.prefix(8).map(String.init).joined(separator: ", ")) depend on each other in a cycle"
        }
    }
}

/// The schedule: when each task started and finished, how busy each resource was.
public struct Schedule: Sendable, Hashable {
    public var start: [Double]
    public var finish: [Double]
    /// Sum of task durations per resource (slot-seconds; divide by slots × makespan for utilization).
    public var busy: [Double]
    /// Latest finish (0 for no tasks).
    public var makespan: Double

    public init(start: [Double], finish: [Double], busy: [Double], makespan: Double) {
        self.start = start; self.finish = finish; self.busy = busy; self.makespan = makespan
    }

    /// Busy fraction of `resource` over the makespan (0 when the makespan is 0).
    public func utilization(of resource: Int, slots: Int = 1) -> Double {
        guard makespan > 0, busy.indices.contains(resource) else { return 0 }
        return busy[resource] / (Double(max(1, slots)) * makespan)
    }
}
