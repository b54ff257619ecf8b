import Testing
@testable import Simulator

/// A load → compute → store tile pipeline of `tiles` tiles with a `depth`-tile buffer.
func pipeline(load: Double, compute: Double, store: Double, depth: Int) -> LoopBody {
    var body = LoopBody()
    let dma = body.addResource("dma"), pe = body.addResource("pe"), out = body.addResource("out")
    let l = body.addTask("load", on: dma, duration: load)
    let c = body.addTask("compute", on: pe, duration: compute, after: [LoopDependency(task: l)])
    body.addTask("store", on: out, duration: store, after: [LoopDependency(task: c, lag: 0.5)])
    body.addBuffer(producer: l, consumer: c, depth: depth)
    return body
}

@Suite("Event scheduler")
struct EventSchedulerTests {
    @Test func dependenciesLagsAndPriority() throws {
        var problem = ScheduleProblem()
        let r = problem.addResource("unit")
        let a = problem.addTask("a", on: r, duration: 2)
        let b = problem.addTask("b", on: r, duration: 1, after: [TaskDependency(task: a, lag: 3)])
        let c = problem.addTask("c", on: r, duration: 4)
        let schedule = try EventScheduler.schedule(problem)
        #expect(schedule.start[a] == 0 && schedule.start[c] == 2)  // c waits for the unit
        #expect(schedule.start[b] == 6)                              // unit busy with c until 6 (ready at 5)
        #expect(schedule.makespan == 7 && schedule.busy[r] == 7)
    }

    @Test func lowerIndexWinsAResourceAtTheSameInstant() throws {
        var problem = ScheduleProblem()
        let r = problem.addResource("unit"), s = problem.addResource("other")
        let blocker = problem.addTask("blocker", on: r, duration: 5)
        let early = problem.addTask("early", on: s, duration: 1)
        let late = problem.addTask("late-ready-first", on: r, duration: 1, after: [TaskDependency(task: early)])
        _ = late
        let first = problem.addTask("first", on: r, duration: 1, after: [TaskDependency(task: early, lag: 2)])
        let schedule = try EventScheduler.schedule(problem)
        #expect(schedule.start[blocker] == 0)
        // both ready before 5; at 5 the lower index (late-ready-first, index 2) goes first
        #expect(schedule.start[2] == 5 && schedule.start[first] == 6)
    }

    @Test func slotsRunTasksTogether() throws {
        var problem = ScheduleProblem()
        let r = problem.addResource("banks", slots: 3)
        for i in 0..<7 { problem.addTask("t\(i)", on: r, duration: 2) }
        let schedule = try EventScheduler.schedule(problem)
        #expect(schedule.start == [0, 0, 0, 2, 2, 2, 4] && schedule.makespan == 6)
        #expect(abs(schedule.utilization(of: r, slots: 3) - 14.0 / 18) < 1e-12)
    }

    @Test func doubleBufferingBoundsTheProducer() throws {
        var problem = ScheduleProblem()
        let dma = problem.addResource("dma"), pe = problem.addResource("pe")
        var loads: [Int] = [], computes: [Int] = []
        for t in 0..<6 {
            loads.append(problem.addTask("load \(t)", on: dma, duration: 1))
            computes.append(problem.addTask("compute \(t)", on: pe, duration: 4, after: [TaskDependency(task: loads[t])]))
        }
        problem.addBuffer(producers: loads, consumers: computes, depth: 2)
        let schedule = try EventScheduler.schedule(problem)
        // load t may start only after compute t-2 finished: 1 + 4(t-1) for t ≥ 2
        for t in 2..<6 { #expect(schedule.start[loads[t]] == schedule.finish[computes[t - 2]]) }
        #expect(schedule.makespan == 1 + 6 * 4)
    }

    @Test func badInputIsAValueNotACrash() {
        var cycle = ScheduleProblem()
        let r = cycle.addResource("r")
        cycle.addTask("a", on: r, duration: 1, after: [TaskDependency(task: 1)])
        cycle.addTask("b", on: r, duration: 1, after: [TaskDependency(task: 0)])
        #expect(throws: ScheduleError.cycle(tasks: [0, 1])) { try EventScheduler.schedule(cycle) }
        var bad = ScheduleProblem()
        bad.addResource("r")
        bad.addTask("nan", on: 0, duration: .nan)
        #expect((try? EventScheduler.schedule(bad)) == nil)
        var missing = ScheduleProblem()
        missing.addTask("x", on: 3, duration: 1)
        #expect(throws: ScheduleError.badResource(task: 0, resource: 3)) { try EventScheduler.schedule(missing) }
    }

    @Test func scalesAsNLogN() throws {
        var problem = ScheduleProblem()
        let units = (0..<8).map { problem.addResource("u\($0)", slots: 2) }
        for i in 0..<200_000 {
            let deps = i >= 8 ? [TaskDependency(task: i - 8, lag: 0.1)] : []
            problem.addTask("t", on: units[i % 8], duration: Double(i % 5 + 1), after: deps)
        }
        let start = ContinuousClock.now
        let schedule = try EventScheduler.schedule(problem)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(schedule.makespan > 0)
    }

    @Test(arguments: [(1.0, 4.0, 1.0, 2), (4.0, 1.0, 1.0, 2), (2.0, 2.0, 3.0, 1), (1.5, 2.5, 0.5, 3)])
    func loopExtrapolationEqualsTheFullSchedule(_ shape: (Double, Double, Double, Int)) throws {
        let body = pipeline(load: shape.0, compute: shape.1, store: shape.2, depth: shape.3)
        for n in [1, 5, 9, 40, 137] {
            let fast = try LoopScheduler.schedule(body, iterations: n, maxUnrolled: 8)
            let full = try EventScheduler.schedule(body.unrolled(n))
            #expect(abs(fast.makespan - full.makespan) <= 1e-9 * full.makespan, "\(shape) n=\(n)")
            #expect(fast.busy == full.busy && fast.exact)
            #expect(fast.scheduledIterations <= 64)  // 8, doubled while the regime is not yet periodic
        }
        let huge = try LoopScheduler.schedule(body, iterations: 1_000_000_000)
        #expect(huge.scheduledIterations <= 64 && huge.makespan > 0 && huge.exact)
    }
}

