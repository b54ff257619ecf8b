import EinsimCore

/// Time and energy of one kernel at the boost clock, before the power cap is applied.
///
/// `computeSeconds` scales with the clock; `memorySeconds` (DRAM streaming) does not; the kernel
/// takes `fixedSeconds + max(computeSeconds / r, memorySeconds)` at clock ratio r.
public struct KernelCost: Sendable, Hashable {
    public var name: String
    public var computeSeconds: Double
    public var memorySeconds: Double
    public var fixedSeconds: Double
    /// On-chip dynamic energy (per-operation energies are clock-independent in this model).
    public var onChipEnergy: Double
    /// The part of `onChipEnergy` spent in the matrix unit.
    public var matrixEnergy: Double = 0
    /// DRAM dynamic energy (does not scale with the SM clock).
    public var dramEnergy: Double
    /// Operations actually executed (tile padding and masked-out scores of computed tiles included).
    public var executed: OperationCounts
    public var dramBytes: Double
    public var l2Bytes: Double
    public var sharedMemoryBytes: Double
    /// Seconds each resource would need alone (for the bound and utilization), at the boost clock.
    public var resources: ResourceTimes
    /// Iterations of the kernel's tile loop on one SM (waves of thread blocks × the tiles each
    /// block works through): what the cycle engine unrolls. 1 for kernels without a tile loop.
    public var tiles: Double = 1

    public init(name: String, computeSeconds: Double, memorySeconds: Double, fixedSeconds: Double,
                onChipEnergy: Double, dramEnergy: Double, executed: OperationCounts, dramBytes: Double,
                l2Bytes: Double, sharedMemoryBytes: Double, resources: ResourceTimes) {
        self.name = name; self.computeSeconds = computeSeconds; self.memorySeconds = memorySeconds
        self.fixedSeconds = fixedSeconds; self.onChipEnergy = onChipEnergy; self.dramEnergy = dramEnergy
        self.executed = executed; self.dramBytes = dramBytes; self.l2Bytes = l2Bytes
        self.sharedMemoryBytes = sharedMemoryBytes; self.resources = resources
    }

    /// Latency at clock ratio `r` (1 = boost clock).
    public func seconds(clockRatio r: Double) -> Double {
        fixedSeconds + max(computeSeconds / r, memorySeconds)
    }
}

/// DVFS under a power limit: the clock ratio at which a sequence of kernels draws no more than
/// the limit on average. Energy per operation is taken as independent of the clock (near the
/// voltage floor, where the H100 runs when capped — fit in Calibration/README.md), so power falls
/// linearly with the clock while the work is compute-bound.
public enum PowerCapping {
    /// `minimumRatio`: the lowest clock ratio considered (the machine's minimum sustained clock
    /// under load, a profile parameter).
    public static func clockRatio(kernels: [KernelCost], idleWatts: Double, limitWatts: Double, minimumRatio: Double) -> Double {
        var energy = 0.0
        for k in kernels { energy += k.onChipEnergy + k.dramEnergy }
        return clockRatio(energy: energy, idleWatts: idleWatts, limitWatts: limitWatts, minimumRatio: minimumRatio) { r in
            var time = 0.0
            for k in kernels { time += k.seconds(clockRatio: r) }
            return time
        }
    }

    /// Single-kernel form without an array (the mapper's hot path).
    public static func clockRatio(kernel k: KernelCost, idleWatts: Double, limitWatts: Double, minimumRatio: Double) -> Double {
        clockRatio(energy: k.onChipEnergy + k.dramEnergy, idleWatts: idleWatts, limitWatts: limitWatts, minimumRatio: minimumRatio) { k.seconds(clockRatio: $0) }
    }

    /// The largest r ≤ 1 with idle + energy / time(r) ≤ limit; time(r) decreases with r.
    @inline(__always)
    public static func clockRatio(energy: Double, idleWatts: Double, limitWatts: Double, minimumRatio: Double, time: (Double) -> Double) -> Double {
        guard limitWatts > idleWatts, energy > 0 else { return 1 }
        // Power stays under the limit while the run takes at least this long.
        let neededSeconds = energy / (limitWatts - idleWatts)
        if time(1) >= neededSeconds { return 1 }
        if time(minimumRatio) <= neededSeconds { return minimumRatio }
        var lo = minimumRatio, hi = 1.0
        for _ in 0..<24 {
            let mid = 0.5 * (lo + hi)
            if time(mid) >= neededSeconds { lo = mid } else { hi = mid }
        }
        return lo
    }
}

/// Seconds each resource of a kernel would need on its own (a fixed set, so the hot path allocates nothing).
public struct ResourceTimes: Sendable, Hashable {
    public var matrix = 0.0
    public var softmax = 0.0
    public var sharedMemory = 0.0
    public var l2 = 0.0
    public var dram = 0.0
    public var launchAndLatency = 0.0
    public var combineChain = 0.0

    public init(matrix: Double = 0, softmax: Double = 0, sharedMemory: Double = 0, l2: Double = 0, dram: Double = 0,
                launchAndLatency: Double = 0, combineChain: Double = 0) {
        self.matrix = matrix; self.softmax = softmax; self.sharedMemory = sharedMemory; self.l2 = l2
        self.dram = dram; self.launchAndLatency = launchAndLatency; self.combineChain = combineChain
    }

    public static func + (a: ResourceTimes, b: ResourceTimes) -> ResourceTimes {
        ResourceTimes(matrix: a.matrix + b.matrix, softmax: a.softmax + b.softmax, sharedMemory: a.sharedMemory + b.sharedMemory,
                      l2: a.l2 + b.l2, dram: a.dram + b.dram, launchAndLatency: a.launchAndLatency + b.launchAndLatency,
                      combineChain: a.combineChain + b.combineChain)
    }

    /// The entries' names, in field order.
    static let names = ["matrix", "softmax (exp + ALU)", "shared memory", "L2", "DRAM", "launch + latency", "combine chain"]

    /// Named entries (for reports), zero entries dropped.
    public var named: [String: Double] {
        let values = (matrix, softmax, sharedMemory, l2, dram, launchAndLatency, combineChain)
        var d: [String: Double] = Dictionary(minimumCapacity: 7)
        let names = Self.names
        if values.0 > 0 { d[names[0]] = values.0 }
        if values.1 > 0 { d[names[1]] = values.1 }
        if values.2 > 0 { d[names[2]] = values.2 }
        if values.3 > 0 { d[names[3]] = values.3 }
        if values.4 > 0 { d[names[4]] = values.4 }
        if values.5 > 0 { d[names[5]] = values.5 }
        if values.6 > 0 { d[names[6]] = values.6 }
        return d
    }

    /// The name of the entry that takes longest (of equal ones, the name first in alphabetical
    /// order), "none" when every entry is zero: the same as the largest entry of ``named``.
    public var bound: String {
        let names = Self.names
        var best = -1
        var bestValue = 0.0
        for (i, v) in [matrix, softmax, sharedMemory, l2, dram, launchAndLatency, combineChain].enumerated() where v > 0 {
            if best < 0 || v > bestValue || (v == bestValue && names[i] < names[best]) { best = i; bestValue = v }
        }
        return best < 0 ? "none" : names[best]
    }
}
