import EinsimCore
import Foundation
import HardwareModel
import Mapper

/// A flag the CLI sets on Ctrl-C so a running search stops and returns its best so far.
public enum SearchInterrupt {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var flag = false
    nonisolated(unsafe) private static var searches = 0
    public static var requested: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    public static func request() { lock.lock(); flag = true; lock.unlock() }
    public static func reset() { lock.lock(); flag = false; lock.unlock() }
    /// True while a search runs (an interrupt then asks it for its best so far).
    public static var searching: Bool { lock.lock(); defer { lock.unlock() }; return searches > 0 }
    static func begin() { lock.lock(); searches += 1; lock.unlock() }
    static func end() { lock.lock(); searches -= 1; if searches == 0 { flag = false }; lock.unlock() }
}

/// Search over a ``SpatialMapspace`` scored by the ``SpatialCostModel``.
/// - `exhaustive`: every grouping × tiling × binding, with lower-bound pruning: a tiling whose
///   bound (its Einsums on their fastest hosts, spread over every unit) cannot beat the best so
///   far is dropped with all its bindings, and a partial binding whose busiest unit already
///   exceeds the best is cut with its subtree.
/// - `random`: `samples` candidates drawn with a seeded generator.
/// - `heuristic`: per grouping and tiling, each Einsum in turn moved to the host that lowers the
///   cost most (one sweep), starting from the first host of each.
/// All modes are deterministic for a seed, stop at `timeLimit` or on ``SearchInterrupt`` with the
/// best so far, and count candidates by outcome.
public enum SpatialSearch {
    public enum Mode: String, Sendable, CaseIterable { case exhaustive, random, heuristic }

    public struct Options: Sendable {
        public var mode: Mode
        public var objective: Objective
        public var seed: UInt64
        public var samples: Int
        public var timeLimit: Double
        /// Called about ten times a second with (candidates so far, mapspace size).
        public var progress: (@Sendable (Double, Double) -> Void)?
        /// Asked about ten times a second; true stops the search with its best so far (the CLI's
        /// Ctrl-C goes through ``SearchInterrupt`` instead, which every search also obeys).
        public var interrupted: (@Sendable () -> Bool)?
        public init(mode: Mode = .exhaustive, objective: Objective = .latency, seed: UInt64 = 1, samples: Int = 100_000,
                    timeLimit: Double = 60, progress: (@Sendable (Double, Double) -> Void)? = nil,
                    interrupted: (@Sendable () -> Bool)? = nil) {
            self.mode = mode; self.objective = objective; self.seed = seed; self.samples = samples
            self.timeLimit = timeLimit; self.progress = progress; self.interrupted = interrupted
        }
    }

    public struct Outcome: Sendable {
        public var plan: SpatialPlan
        public var cost: SpatialCostModel.Cost
        public var evaluated: Double
        public var pruned: Double
        /// Infeasible candidates by the level that overflowed.
        public var infeasible: [String: Double]
        public var seconds: Double
        /// Whether the time limit or an interrupt stopped the search early.
        public var stoppedEarly: Bool
        public var mapspaceSize: Double
    }

    public static func best(_ space: SpatialMapspace, name: String = "auto", options: Options = Options()) throws -> Outcome {
        let model = SpatialCostModel(problem: space.problem)
        let problem = space.problem
        SearchInterrupt.begin()
        defer { SearchInterrupt.end() }
        let start = Date()
        let deadline = start.addingTimeInterval(options.timeLimit)
        var evaluated = 0.0, pruned = 0.0
        var infeasible: [String: Double] = [:]
        var stopped = false
        var sinceCheck = 0
        var lastProgress = start
        let total = space.size
        func shouldStop() -> Bool {
            sinceCheck += 1
            if sinceCheck < 4096 { return stopped }
            sinceCheck = 0
            let now = Date()
            if now >= deadline || SearchInterrupt.requested || options.interrupted?() == true { stopped = true }
            if let progress = options.progress, now.timeIntervalSince(lastProgress) > 0.1 {
                lastProgress = now
                progress(evaluated + pruned + infeasible.values.reduce(0, +), total)
            }
            return stopped
        }
        let hosts = space.hosts
        let unitCount = problem.machine.units.count
        var rng = SplitMix64(seed: options.seed)
        /// The best tiling and binding of one group (its Einsums' hosts only), given a key tile
        /// when the cascade's partition fixes it for every group.
        func bestGroup(_ members: [Int], grouping: [[Int]], keyTile: Int?, incumbent: Double) -> (SpatialPlan.Group, [Int], Double)? {
            let groupOf: [Int] = {
                var out = [Int](repeating: -1, count: problem.einsums.count)
                for (g, ms) in grouping.enumerated() { for i in ms { out[i] = g } }
                return out
            }()
            let g = groupOf[members.first ?? 0]
            var best: (SpatialPlan.Group, [Int], Double)?
            var bestScore = incumbent
            var bestSecondary = Double.infinity
            let groupBindings = members.reduce(1.0) { $0 * Double(max(hosts[$1].count, 1)) }
            var plan = SpatialPlan(name: name, groups: grouping.map { SpatialPlan.Group(einsums: $0, queryLanes: 1, keyTile: 1, querySubBlocks: 1) },
                                   binding: hosts.map { $0.first ?? -1 }, schedule: space.schedule)
            func consider() {
                let c = model.groupScore(g, of: plan, groupOf: groupOf)
                if let o = c.overflow { infeasible[o.level, default: 0] += 1; return }
                evaluated += 1
                let score = options.objective.score(seconds: c.seconds, joules: c.joules)
                // Ties (e.g. candidates bound by the same DRAM traffic) go to the lower energy
                // (latency objective) or the lower latency (energy objective).
                let secondary = options.objective == .latency ? c.joules : c.seconds
                let tie = abs(score - bestScore) <= 1e-12 * max(abs(score), 1e-300)
                if score < bestScore && !tie || tie && secondary < bestSecondary {
                    bestScore = score
                    bestSecondary = secondary
                    best = (plan.groups[g], members.map { plan.binding[$0] }, score)
                }
            }
            let tilings = space.tilings.filter { keyTile == nil || $0.keyTile == keyTile }
            switch options.mode {
            case .exhaustive, .heuristic:
                for t in tilings {
                    if shouldStop() { break }
                    plan.groups[g] = SpatialPlan.Group(einsums: members, queryLanes: t.queryLanes, keyTile: t.keyTile, querySubBlocks: t.querySubBlocks)
                    let table = model.unitTimes(plan.groups[g])
                    if model.lowerBound(plan.groups[g], table: table, hosts: hosts, objective: options.objective) >= bestScore {
                        pruned += groupBindings
                        continue
                    }
                    if options.mode == .heuristic {
                        for i in members { plan.binding[i] = hosts[i].first ?? -1 }
                        for i in members where hosts[i].count > 1 {
                            var bestU = plan.binding[i], bestS = Double.infinity
                            for u in hosts[i] {
                                plan.binding[i] = u
                                let c = model.groupScore(g, of: plan, groupOf: groupOf)
                                let s = c.overflow == nil ? options.objective.score(seconds: c.seconds, joules: c.joules) : .infinity
                                if s < bestS { bestS = s; bestU = u }
                            }
                            plan.binding[i] = bestU
                        }
                        consider()
                        continue
                    }
                    // Depth-first over the group's bindings; with the latency objective a partial
                    // binding whose busiest unit already reaches the best is cut with its subtree.
                    var busy = [Double](repeating: 0, count: unitCount)
                    func visit(_ k: Int, subtree: Double) {
                        if stopped { return }
                        if k == members.count {
                            consider()
                            _ = shouldStop()
                            return
                        }
                        let i = members[k]
                        let choices = hosts[i]
                        if choices.isEmpty { visit(k + 1, subtree: subtree); return }
                        let below = subtree / Double(choices.count)
                        for u in choices {
                            busy[u] += table[i * unitCount + u]
                            if options.objective == .latency, busy[u] >= bestScore {
                                pruned += below
                            } else {
                                plan.binding[i] = u
                                visit(k + 1, subtree: below)
                            }
                            busy[u] -= table[i * unitCount + u]
                        }
                    }
                    visit(0, subtree: groupBindings)
                }
            case .random:
                guard !tilings.isEmpty else { return nil }
                let draws = max(1, options.samples / max(1, space.groupings.count * grouping.count))
                for _ in 0..<draws {
                    if shouldStop() { break }
                    let t = tilings[Int(rng.next() % UInt64(tilings.count))]
                    plan.groups[g] = SpatialPlan.Group(einsums: members, queryLanes: t.queryLanes, keyTile: t.keyTile, querySubBlocks: t.querySubBlocks)
                    for i in members where !hosts[i].isEmpty { plan.binding[i] = hosts[i][Int(rng.next() % UInt64(hosts[i].count))] }
                    consider()
                }
            }
            return best
        }
        var winner: (plan: SpatialPlan, score: Double)?
        // Groups are independent given the grouping (their costs add), so each is tiled and
        // bound on its own; a cascade that partitions the key rank shares its key tile.
        for grouping in space.groupings {
            let sharedTiles: [Int?] = problem.partitionsKeys ? problem.keyTiles.map { Optional($0) } : [nil]
            for keyTile in sharedTiles {
                if stopped { break }
                var plan = SpatialPlan(name: name, groups: [], binding: hosts.map { $0.first ?? -1 }, schedule: space.schedule)
                var score = 0.0
                var feasible = true
                for members in grouping {
                    guard let (group, binding, s) = bestGroup(members, grouping: grouping, keyTile: keyTile, incumbent: .infinity) else {
                        feasible = false
                        break
                    }
                    plan.groups.append(group)
                    for (k, i) in members.enumerated() { plan.binding[i] = binding[k] }
                    score += s
                }
                if feasible, score < (winner?.score ?? .infinity) {
                    // The objective of the whole plan (idle power and EDP do not add per group).
                    let c = model.cost(plan)
                    let whole = options.objective.score(seconds: c.seconds, joules: c.joules)
                    if whole < (winner?.score ?? .infinity) { winner = (plan, whole) }
                }
            }
        }
        guard let found = winner else {
            let level = infeasible.max { $0.value < $1.value }?.key ?? problem.machine.onChipBuffer?.name ?? "buffer"
            if stopped {
                throw SimulationError.unsupported("the mapper stopped (time limit or interrupt) before any mapping of cascade '\(problem.cascade.name)' fit '\(problem.machine.name)'; raise --time-limit")
            }
            throw SimulationError.unsupported("no mapping of cascade '\(problem.cascade.name)' fits '\(problem.machine.name)': every candidate overflows '\(level)'; use a smaller shape, or a profile with a larger '\(level)'")
        }
        return Outcome(plan: found.plan, cost: model.cost(found.plan, detail: true), evaluated: evaluated, pruned: pruned, infeasible: infeasible,
                       seconds: Date().timeIntervalSince(start), stoppedEarly: stopped, mapspaceSize: total)
    }
}
