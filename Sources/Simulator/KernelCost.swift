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
    /// On-chip dynamic energy at the boost clock. Below it the core voltage falls with the clock
    /// (``voltageClockSlope``) and each operation's energy with the voltage squared
    /// (``onChipEnergy(clockRatio:)``).
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
    /// Power the memory system draws while the kernel's DRAM stream is active (memory controllers,
    /// PHY, crossbar, HBM active state), in watts: energy in proportion to time, not bytes, so a
    /// slower stream of the same bytes costs more (``GPUMachine/memoryActiveWatts``).
    public var memoryActiveWatts: Double = 0
    /// The longest the memory system stays active for this kernel's bytes: the bytes at the
    /// slowest rate that still keeps it active (``GPUMachine/memoryActiveRate``). A kernel that
    /// streams faster is active for its whole duration; one that moves few bytes over a long run
    /// (a compute-bound prefill) only for this long.
    public var memoryActiveCapSeconds: Double = 0
    /// How fast the core voltage falls with the clock under DVFS: V(r) / V(boost) = 1 − slope × (1 − r)
    /// at clock ratio r (``GPUMachine/voltageClockSlope``; 0: per-operation energies independent
    /// of the clock, the voltage at its floor).
    public var voltageClockSlope: Double = 0

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

    /// The share of the boost clock's energy per on-chip operation at clock ratio `r`: the core
    /// voltage ratio squared (CMOS switching energy C·V²).
    @inline(__always)
    public func voltageEnergyFactor(clockRatio r: Double) -> Double {
        let v = 1 - voltageClockSlope * (1 - r)
        return v * v
    }

    /// On-chip dynamic energy when the kernel runs at clock ratio `r`.
    @inline(__always)
    public func onChipEnergy(clockRatio r: Double) -> Double {
        onChipEnergy * voltageEnergyFactor(clockRatio: r)
    }

    /// Energy the memory system draws in proportion to time over a run of `seconds`.
    @inline(__always)
    public func memoryActiveEnergy(seconds t: Double) -> Double {
        memoryActiveWatts * min(t, memoryActiveCapSeconds)
    }

    /// Dynamic energy (per-operation, per-byte and the memory system's time-proportional part)
    /// when the kernel runs at clock ratio `r`.
    @inline(__always)
    public func dynamicEnergy(clockRatio r: Double) -> Double {
        dynamicEnergy(clockRatio: r, seconds: seconds(clockRatio: r))
    }

    /// Dynamic energy at clock ratio `r` over a run of `t` seconds (the time its schedule gave).
    @inline(__always)
    public func dynamicEnergy(clockRatio r: Double, seconds t: Double) -> Double {
        onChipEnergy(clockRatio: r) + dramEnergy + memoryActiveEnergy(seconds: t)
    }
}

/// DVFS under a power limit: the clock ratio at which a sequence of kernels draws no more than
/// the limit on average. Energy per on-chip operation falls with the core voltage squared as the
/// clock falls (``KernelCost/voltageClockSlope``; a profile with slope 0, such as the H100's,
/// takes it as independent of the clock, near the voltage floor), so power falls at least
/// linearly with the clock while the work is compute-bound.
public enum PowerCapping {
    /// `minimumRatio`: the lowest clock ratio considered (the machine's minimum sustained clock
    /// under load, a profile parameter).
    public static func clockRatio(kernels: [KernelCost], idleWatts: Double, limitWatts: Double, minimumRatio: Double) -> Double {
        clockRatio(idleWatts: idleWatts, limitWatts: limitWatts, minimumRatio: minimumRatio) { r in
            var energy = 0.0, time = 0.0
            for k in kernels {
                let t = k.seconds(clockRatio: r)
                time += t; energy += k.dynamicEnergy(clockRatio: r, seconds: t)
            }
            return (energy, time)
        }
    }

    /// Single-kernel form without an array (the mapper's hot path).
    public static func clockRatio(kernel k: KernelCost, idleWatts: Double, limitWatts: Double, minimumRatio: Double) -> Double {
        clockRatio(idleWatts: idleWatts, limitWatts: limitWatts, minimumRatio: minimumRatio) { r in
            let t = k.seconds(clockRatio: r)
            return (k.dynamicEnergy(clockRatio: r, seconds: t), t)
        }
    }

    /// Two kernels back to back (a split-KV kernel and its combine) without an array.
    public static func clockRatio(_ a: KernelCost, _ b: KernelCost, idleWatts: Double, limitWatts: Double, minimumRatio: Double) -> Double {
        clockRatio(idleWatts: idleWatts, limitWatts: limitWatts, minimumRatio: minimumRatio) { r in
            let ta = a.seconds(clockRatio: r), tb = b.seconds(clockRatio: r)
            return (a.dynamicEnergy(clockRatio: r, seconds: ta) + b.dynamicEnergy(clockRatio: r, seconds: tb), ta + tb)
        }
    }

    /// The largest r ≤ 1 at which the run's dynamic energy over its time stays within the limit
    /// above idle. `energyAndTime(r)` gives both at clock ratio r; the average dynamic power
    /// energy / time falls as r falls (per-operation energies fall or stay with the clock and the
    /// time-proportional memory power is capped at the run's time), so the search bisects.
    @inline(__always)
    public static func clockRatio(idleWatts: Double, limitWatts: Double, minimumRatio: Double,
                                  energyAndTime: (Double) -> (energy: Double, time: Double)) -> Double {
        guard limitWatts > idleWatts else { return 1 }
        let headroom = limitWatts - idleWatts
        if fits(1, headroom, energyAndTime) { return 1 }
        if !fits(minimumRatio, headroom, energyAndTime) { return minimumRatio }
        var lo = minimumRatio, hi = 1.0
        for _ in 0..<24 {
            let mid = 0.5 * (lo + hi)
            if fits(mid, headroom, energyAndTime) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// The share of a run the GPU spends in the timed kernels, in (0, 1]: a validated value, so
    /// the power-capping functions below cannot be handed a fraction they have no meaning for.
    public struct BusyFraction: Sendable, Hashable {
        public let value: Double
        /// Nil unless `value` is finite, above 0 and at most 1.
        public init?(_ value: Double) {
            guard value.isFinite, value > 0, value <= 1 else { return nil }
            self.value = value
        }
        /// Calls back to back: busy throughout.
        public static let backToBack = BusyFraction(value: 1)
        private init(value: Double) { self.value = value }
    }

    /// The power a kernel may draw while it runs when the GPU is busy only `busyFraction` of the
    /// time and idles (`idleWatts`) the rest: the limiter holds the board's average,
    /// busy × P + (1 − busy) × idle, at `limitWatts`, so P may reach idle + (limit − idle) / busy.
    /// A busy fraction of 1 (back to back) gives the limit itself.
    public static func dutyCycleLimit(limitWatts: Double, idleWatts: Double, busyFraction busy: BusyFraction) -> Double {
        let busyFraction = busy.value
        guard limitWatts > idleWatts, busyFraction < 1 else { return limitWatts }
        return idleWatts + (limitWatts - idleWatts) / busyFraction
    }

    /// Mean seconds per call over a run of `runSeconds` from rest, when the limiter lets the board
    /// draw `excessEnergy` joules above `limitWatts` before it has lowered the clock (its integral
    /// response): calls at the boost clock (`unthrottledSeconds` each, drawing
    /// `unthrottledWatts`) until that energy is spent, then the sustained state
    /// (`sustainedSeconds` each). The GPU is busy `busyFraction` of the run and idles
    /// (`idleWatts`) the rest, so the board draws busy × P + (1 − busy) × idle; the calls' share
    /// of the run is the same in both phases, so it cancels from the mean per call. A run at or
    /// under the limit, or one shorter than the hold, runs at the boost clock throughout; a long
    /// run tends to the sustained state.
    public static func meanSecondsPerCall(runSeconds: Double, unthrottledSeconds: Double, unthrottledWatts: Double,
                                          sustainedSeconds: Double, limitWatts: Double, excessEnergy: Double,
                                          busyFraction busy: BusyFraction = .backToBack, idleWatts: Double) -> Double {
        let busyFraction = busy.value
        guard runSeconds > 0, unthrottledSeconds > 0, sustainedSeconds > unthrottledSeconds else { return sustainedSeconds }
        let excess = busyFraction * unthrottledWatts + (1 - busyFraction) * idleWatts - limitWatts
        guard excess > 0 else { return unthrottledSeconds }
        let hold = min(runSeconds, max(0, excessEnergy) / excess)
        let calls = hold / unthrottledSeconds + (runSeconds - hold) / sustainedSeconds
        return runSeconds / calls
    }

    /// Whether the run at clock ratio `r` stays within `headroom` watts above idle on average.
    @inline(__always)
    static func fits(_ r: Double, _ headroom: Double, _ energyAndTime: (Double) -> (energy: Double, time: Double)) -> Bool {
        let (e, t) = energyAndTime(r)
        return e <= 0 || e <= headroom * t
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
