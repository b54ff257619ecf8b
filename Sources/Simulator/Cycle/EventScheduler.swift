/// An event-driven list scheduler (not a cycle loop): time jumps from event to event.
///
/// A task becomes ready when every dependency has finished (plus its lag); a resource with a
/// free slot starts its ready task of lowest index; a started task runs to completion. Events at
/// one instant are handled finishes first, then readiness, then dispatch, so a zero-lag consumer
/// can take a slot released at the same instant. O((tasks + dependencies) log tasks).
public enum EventScheduler {
    private enum EventKind: Int { case finish = 0, ready = 1, dispatch = 2 }
    private struct Event { var time: Double; var kind: EventKind; var index: Int }

    /// Schedules `problem`; throws ``ScheduleError`` for invalid input or a dependency cycle.
    public static func schedule(_ problem: ScheduleProblem) throws -> Schedule {
        try validate(problem)
        let tasks = problem.tasks, resources = problem.resources
        var dependents = [[Int]](repeating: [], count: tasks.count)
        var waiting = [Int](repeating: 0, count: tasks.count)
        var readyAt = [Double](repeating: 0, count: tasks.count)
        for (index, task) in tasks.enumerated() {
            waiting[index] = task.dependencies.count
            for dependency in task.dependencies { dependents[dependency.task].append(index) }
        }
        var start = [Double](repeating: .nan, count: tasks.count)
        var finish = [Double](repeating: .nan, count: tasks.count)
        var freeSlots = resources.map(\.slots)
        var queues = resources.map { _ in BinaryHeap<Int>(by: <) }
        var dispatchPending = [Bool](repeating: false, count: resources.count)
        var events = BinaryHeap<Event>(by: { a, b in
            a.time != b.time ? a.time < b.time : a.kind.rawValue != b.kind.rawValue ? a.kind.rawValue < b.kind.rawValue : a.index < b.index
        })
        for index in tasks.indices where waiting[index] == 0 {
            events.push(Event(time: 0, kind: .ready, index: index))
        }
        var scheduled = 0
        while let event = events.pop() {
            switch event.kind {
            case .finish:
                let task = tasks[event.index]
                freeSlots[task.resource] += 1
                requestDispatch(task.resource, at: event.time, &dispatchPending, &events)
                for dependent in dependents[event.index] {
                    let lag = tasks[dependent].dependencies.reduce(-Double.infinity) { best, dep in
                        dep.task == event.index ? max(best, dep.lag) : best
                    }
                    readyAt[dependent] = max(readyAt[dependent], event.time + lag)
                    waiting[dependent] -= 1
                    if waiting[dependent] == 0 {
                        events.push(Event(time: max(readyAt[dependent], event.time, 0), kind: .ready, index: dependent))
                    }
                }
            case .ready:
                let resource = tasks[event.index].resource
                queues[resource].push(event.index)
                requestDispatch(resource, at: event.time, &dispatchPending, &events)
            case .dispatch:
                let resource = event.index
                dispatchPending[resource] = false
                while freeSlots[resource] > 0, let next = queues[resource].pop() {
                    freeSlots[resource] -= 1
                    start[next] = event.time
                    finish[next] = event.time + tasks[next].duration
                    scheduled += 1
                    events.push(Event(time: finish[next], kind: .finish, index: next))
                }
            }
        }
        guard scheduled == tasks.count else {
            throw ScheduleError.cycle(tasks: tasks.indices.filter { start[$0].isNaN })
        }
        var busy = [Double](repeating: 0, count: resources.count)
        for task in tasks { busy[task.resource] += task.duration }
        return Schedule(start: start, finish: finish, busy: busy, makespan: finish.max() ?? 0)
    }

    private static func requestDispatch(_ resource: Int, at time: Double, _ pending: inout [Bool], _ events: inout BinaryHeap<Event>) {
        guard !pending[resource] else { return }
        pending[resource] = true
        events.push(Event(time: time, kind: .dispatch, index: resource))
    }

    private static func validate(_ problem: ScheduleProblem) throws {
        for (index, resource) in problem.resources.enumerated() where resource.slots < 1 {
            throw ScheduleError.badSlots(resource: index, slots: resource.slots)
        }
        for (index, task) in problem.tasks.enumerated() {
            guard problem.resources.indices.contains(task.resource) else {
                throw ScheduleError.badResource(task: index, resource: task.resource)
            }
            guard task.duration.isFinite, task.duration >= 0 else { throw ScheduleError.badDuration(task: index, duration: task.duration) }
            for dependency in task.dependencies {
                guard problem.tasks.indices.contains(dependency.task) else {
                    throw ScheduleError.badDependency(task: index, dependency: dependency.task)
                }
                guard dependency.lag.isFinite else { throw ScheduleError.badLag(task: index, lag: dependency.lag) }
            }
        }
    }
}
