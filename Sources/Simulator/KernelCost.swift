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
    public var resourceSeconds: [String: Double]

    public init(name: String, computeSeconds: Double, memorySeconds: Double, fixedSeconds: Double,
                onChipEnergy: Double, dramEnergy: Double, executed: OperationCounts, dramBytes: Double,
                l2Bytes: Double, sharedMemoryBytes: Double, resourceSeconds: [String: Double]) {
        self.name = name; self.computeSeconds = computeSeconds; self.memorySeconds = memorySeconds
        self.fixedSeconds = fixedSeconds; self.onChipEnergy = onChipEnergy; self.dramEnergy = dramEnergy
        self.executed = executed; self.dramBytes = dramBytes; self.l2Bytes = l2Bytes
        self.sharedMemoryBytes = sharedMemoryBytes; self.resourceSeconds = resourceSeconds
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
    /// Lowest clock ratio considered (the GPU's minimum sustained clock under load).
    public static let minimumRatio = 0.4

    public static func clockRatio(kernels: [KernelCost], idleWatts: Double, limitWatts: Double) -> Double {
        func power(_ r: Double) -> Double {
            var time = 0.0, energy = 0.0
            for k in kernels {
                time += k.seconds(clockRatio: r)
                energy += k.onChipEnergy + k.dramEnergy
            }
            return time > 0 ? idleWatts + energy / time : idleWatts
        }
        guard limitWatts > idleWatts, power(1) > limitWatts else { return 1 }
        var lo = minimumRatio, hi = 1.0
        if power(lo) > limitWatts { return lo }
        for _ in 0..<40 {
            let mid = 0.5 * (lo + hi)
            if power(mid) > limitWatts { hi = mid } else { lo = mid }
        }
        return lo
    }
}
