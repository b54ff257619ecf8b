import Foundation
import HardwareModel

/// What one attention phase (all requests' Q·Kᵀ, or all their P·V) costs on a PIM memory.
public struct PIMPhaseCost: Sendable, Hashable {
    /// Time of the busiest bus (the phase ends when its last READRES has issued).
    public var seconds: Double
    /// Mean bus time over the buses (seconds / mean = the load imbalance).
    public var meanBusSeconds: Double
    public var energyJoules: Double
    public var counts: DRAMCommandCounts
    /// Bytes of the KV cache the banks read internally.
    public var internalBytes: Double
    /// Seconds of each bus (the busiest is ``seconds``), for per-bus schedules and traces.
    public var busSeconds: [Double] = []

    public init(seconds: Double = 0, meanBusSeconds: Double = 0, energyJoules: Double = 0, counts: DRAMCommandCounts = .init(), internalBytes: Double = 0) {
        self.seconds = seconds; self.meanBusSeconds = meanBusSeconds; self.energyJoules = energyJoules
        self.counts = counts; self.internalBytes = internalBytes
    }

    /// Busiest bus over the mean (1 = perfectly balanced).
    public var imbalance: Double { meanBusSeconds > 0 ? seconds / meanBusSeconds : 1 }
}

/// `count` GEMVs (heads) of one request: `tokens` computed over `dimension` elements, with the
/// rows of `activatedTokens` opened (nil: the computed tokens are contiguous).
public struct PIMGEMVJob: Sendable, Hashable {
    public var product: PIMGEMV.Product
    public var tokens: Int
    public var activatedTokens: Int?
    public var dimension: Int
    public var count: Int
    /// Query heads per KV head (grouped-query attention; 1 for multi-head attention).
    public var queries: Int

    public init(product: PIMGEMV.Product, tokens: Int, activatedTokens: Int? = nil, dimension: Int, count: Int, queries: Int = 1) {
        self.product = product; self.tokens = tokens; self.activatedTokens = activatedTokens; self.dimension = dimension; self.count = count
        self.queries = max(1, queries)
    }
}

/// Places decode attention on the banks of a PIM memory and times it at command level.
///
/// Mapping (NeuPIMs, pim.md): each request's KV cache lives on one bus (all of its heads on this
/// device) — or, with the profile's `kvPlacement` = head, each head on its own — and these
/// units are placed by greedy min-load bin packing (longest first, onto the bus with
/// the least command-timed work so far; ties to the lower bus). Each head's Q·Kᵀ and P·V is a
/// ``PIMGEMV`` (GWRITE of the vector, tiles of G_ACT/COMP/READRES), timed on a bus by
/// ``DRAMCommandTiming/pimGEMVsOnOneBus(_:count:refresh:recording:)`` — tFAW, tRCD, tRP, refresh
/// and, with one row buffer, the closing of normal rows all apply there. A bus's time is the sum
/// of its requests' command streams (each request's heads timed as one stream; the overlap of one
/// request's last tile with the next request's first is ignored: at most one tile per request).
public struct PIMAttentionMapper: Sendable {
    public let timing: DRAMCommandTiming
    public let pim: PIMOrganization
    /// Buses across every instance of the memory (stacks × channels × pseudo-channels).
    public let buses: Int

    public init(dram: DRAMOrganization, pim: PIMOrganization, instances: Int = 1) throws {
        timing = try DRAMCommandTiming(dram: dram, pim: pim)
        self.pim = pim
        buses = max(1, dram.independentBuses * max(1, instances))
    }

    /// Memoized command-level time of `heads` GEMVs of one layout on one bus.
    final class Cache: @unchecked Sendable {
        var results: [Key: DRAMTimingResult] = [:]
        struct Key: Hashable { var gemv: PIMGEMV; var count: Int }
    }

    /// The placement of requests (by index) onto buses for the given context lengths.
    public func placement(contexts: [Int], heads: Int, headDim: Int, valueDim: Int, bytesPerElement: Double) -> [Int] {
        let phases = Self.densePhases(contexts: contexts, heads: heads, headDim: headDim, valueDim: valueDim)
        let cache = Cache()
        return place(work: (0..<contexts.count).map { r in
            phases.reduce(0.0) { acc, phase in acc + phase[r].reduce(0.0) { $0 + jobSeconds($1, bytes: bytesPerElement, cache: cache).seconds } }
        })
    }

    /// Greedy longest-first placement; returns the bus of each request.
    func place(work: [Double]) -> [Int] {
        var load = [Double](repeating: 0, count: buses)
        var bus = [Int](repeating: 0, count: work.count)
        let order = work.indices.sorted { work[$0] != work[$1] ? work[$0] > work[$1] : $0 < $1 }
        for request in order {
            var best = 0
            for b in 1..<buses where load[b] < load[best] { best = b }
            bus[request] = best
            load[best] += work[request]
        }
        return bus
    }

    /// Dense decode attention: the Q·Kᵀ phase and the P·V phase, per request one job each.
    public static func densePhases(contexts: [Int], heads: Int, headDim: Int, valueDim: Int) -> [[[PIMGEMVJob]]] {
        [contexts.map { [PIMGEMVJob(product: .scores, tokens: $0, dimension: headDim, count: heads)] },
         contexts.map { [PIMGEMVJob(product: .values, tokens: $0, dimension: valueDim, count: heads)] }]
    }

    /// Costs of the Q·Kᵀ phase and the P·V phase of dense attention over the requests `contexts`.
    public func cost(contexts: [Int], heads: Int, headDim: Int, valueDim: Int, bytesPerElement: Double) -> (scores: PIMPhaseCost, values: PIMPhaseCost) {
        let phases = cost(phases: Self.densePhases(contexts: contexts, heads: heads, headDim: headDim, valueDim: valueDim), bytesPerElement: bytesPerElement)
        return (phases[0], phases[1])
    }

    /// Costs of each phase (phase → request → GEMV jobs). The placement units — whole requests,
    /// or each head of a request (the profile's `kvPlacement`) — are placed once, by their work
    /// over all phases; a phase ends when its busiest bus does.
    public func cost(phases: [[[PIMGEMVJob]]], bytesPerElement: Double) -> [PIMPhaseCost] {
        let cache = Cache()
        let requests = phases.map(\.count).max() ?? 0
        // Placement units: (request, head) → that unit's jobs per phase (heads split one by one).
        struct Unit { var request: Int; var jobs: [[PIMGEMVJob]] }
        var units: [Unit] = []
        let perHead = pim.kvPlacement == .head
        for r in 0..<requests {
            let jobsOf = phases.map { $0.indices.contains(r) ? $0[r] : [] }
            if perHead {
                let heads = jobsOf.map { $0.reduce(0) { $0 + $1.count } }.max() ?? 0
                for h in 0..<heads {
                    // Head h's share of every phase: the job (head group) that covers it, one head.
                    units.append(Unit(request: r, jobs: jobsOf.map { jobs in
                        var start = 0
                        for job in jobs {
                            if h < start + job.count { var one = job; one.count = 1; return [one] }
                            start += job.count
                        }
                        return []
                    }))
                }
            } else {
                units.append(Unit(request: r, jobs: jobsOf))
            }
        }
        let timed = units.map { unit in unit.jobs.map { jobs in jobs.map { jobSeconds($0, bytes: bytesPerElement, cache: cache) } } }
        let bus = place(work: timed.map { phases in phases.reduce(0.0) { acc, jobs in acc + jobs.reduce(0.0) { $0 + $1.seconds } } })
        let cap = pim.powerCapFraction > 0 && pim.powerCapFraction < 1 ? pim.powerCapFraction : 1
        return phases.indices.map { p in
            var perBus = [Double](repeating: 0, count: buses)
            var cost = PIMPhaseCost()
            for (u, unit) in units.enumerated() {
                for (job, r) in zip(unit.jobs[p], timed[u][p]) {
                    perBus[bus[u]] += r.seconds
                    cost.energyJoules += r.energyJoules
                    cost.counts.add(r.counts)
                    cost.internalBytes += Double(job.activatedTokens ?? job.tokens) * Double(job.dimension) * Double(job.count) * bytesPerElement
                }
            }
            // Under a power cap only a fraction of the units compute at once (AttAcc: 9/16).
            cost.seconds = (perBus.max() ?? 0) / cap
            cost.busSeconds = perBus.map { $0 / cap }
            cost.meanBusSeconds = perBus.reduce(0, +) / Double(buses) / cap
            return cost
        }
    }

    private func jobSeconds(_ job: PIMGEMVJob, bytes: Double, cache: Cache) -> DRAMTimingResult {
        requestSeconds(job.product, tokens: job.tokens, heads: job.count, dimension: job.dimension, bytes: bytes, cache: cache,
                       activated: job.activatedTokens, queries: job.queries)
    }

    private func requestSeconds(_ product: PIMGEMV.Product, tokens: Int, heads: Int, dimension: Int, bytes: Double, cache: Cache,
                                activated: Int? = nil, queries: Int = 1) -> DRAMTimingResult {
        guard heads > 0, tokens > 0 else { return DRAMTimingResult(cycles: 0, seconds: 0, counts: .init(), energyJoules: 0, simulatedUnits: 0, log: []) }
        let gemv = PIMGEMV.layout(product, tokens: tokens, dimension: dimension, bytesPerElement: bytes, dram: timing.dram, pim: pim,
                                  activatedTokens: activated, queries: queries)
        let key = Cache.Key(gemv: gemv, count: heads)
        if let hit = cache.results[key] { return hit }
        let shared = SharedKey(dram: timing.dram, pim: pim, gemv: gemv, count: heads)
        Self.sharedLock.lock()
        let known = Self.shared[shared]
        Self.sharedLock.unlock()
        if let known { cache.results[key] = known; return known }
        let r = timing.pimGEMVsOnOneBus(gemv, count: heads)
        cache.results[key] = r
        Self.sharedLock.lock()
        if Self.shared.count > 200_000 { Self.shared.removeAll() }
        Self.shared[shared] = r
        Self.sharedLock.unlock()
        return r
    }

    /// Command-level results shared by every mapping of the same memory (a study re-times the
    /// same GEMV shapes at every batch and configuration): the timing is a pure function of the
    /// organization, the PIM units and the GEMV, so the cache cannot change a result.
    private struct SharedKey: Hashable { var dram: DRAMOrganization; var pim: PIMOrganization; var gemv: PIMGEMV; var count: Int }
    nonisolated(unsafe) private static var shared: [SharedKey: DRAMTimingResult] = [:]
    private static let sharedLock = NSLock()
}
