import EinsimCore

/// What one simulation reports: latency, energy, breakdowns, and the resource that bounds it.
///
/// Units: seconds, joules, bytes, FLOPs. For GPU profiles `energyJoules` is board energy
/// (idle power × latency + dynamic), comparable with what NVML reports.
public struct SimulationResult: Sendable, Hashable {
    /// Time and energy of one Einsum on its unit (targets mapped Einsum by Einsum).
    public struct EinsumBreakdown: Sendable, Hashable {
        public var name: String
        public var unit: String
        public var seconds: Double
        public var dynamicJoules: Double
        /// Spatial targets: the fraction of the unit's processing elements its tiles keep busy.
        /// GPU kernels (Einsums fused into one kernel): its share of its unit's busy time.
        public var utilization: Double
    }

    public struct KernelBreakdown: Sendable, Hashable {
        public var name: String
        public var seconds: Double
        public var dynamicJoules: Double
        public var dramBytes: Double
        /// Matrix FLOPs the group executes (2 per MAC; 0 when unknown), for its place on a roofline.
        public var flops: Double

        public init(name: String, seconds: Double, dynamicJoules: Double, dramBytes: Double, flops: Double = 0) {
            self.name = name; self.seconds = seconds; self.dynamicJoules = dynamicJoules; self.dramBytes = dramBytes; self.flops = flops
        }
    }

    public var hardware: String
    public var kernel: String
    public var engine: String
    public var latencySeconds: Double
    public var energyJoules: Double
    /// FLOPs of the algorithm (useful work: 2 per MAC, kept scores only).
    public var flops: Double
    public var dramBytes: Double
    public var l2Bytes: Double
    public var sharedMemoryBytes: Double
    /// Clock ratio the power limit allowed (1 = boost clock).
    public var clockRatio: Double
    public var averagePowerWatts: Double
    public var staticJoules: Double
    public var dynamicJoules: Double
    /// Dynamic energy by component, keyed by the profile's unit and memory-level names.
    public var energyByComponent: [String: Double]
    /// Seconds each resource alone would take, summed over kernels.
    public var resourceSeconds: [String: Double]
    public var kernels: [KernelBreakdown]
    /// The resource with the largest time, or "power" when the limit stretched the clock.
    public var bound: String
    /// The ideal time: max(FLOPs / peak matrix rate, compulsory bytes / DRAM bandwidth).
    public var rooflineSeconds: Double
    /// The mapping as a loop nest (for `einsim map`).
    public var loopNest: String
    /// Per Einsum, keyed by the cascade's names (empty for GPU kernels, which fuse them).
    public var einsums: [EinsumBreakdown] = []
    /// Busy fraction of each compute unit, keyed by the profile's unit names.
    public var utilization: [String: Double] = [:]
    /// Bytes moved at each storage level, keyed by the profile's level names.
    public var bytesPerLevel: [String: Double] = [:]
    /// The machine's roofs: peak matrix FLOP/s (0 when not known) and the bandwidth (bytes/s) of
    /// each storage level, keyed by the profile's level names, as the engine used them.
    public var peakFLOPS: Double = 0
    public var bandwidths: [String: Double] = [:]
    public init(hardware: String, kernel: String, engine: String, latencySeconds: Double, energyJoules: Double, flops: Double,
                dramBytes: Double, l2Bytes: Double, sharedMemoryBytes: Double, clockRatio: Double, averagePowerWatts: Double,
                staticJoules: Double, dynamicJoules: Double, energyByComponent: [String: Double], resourceSeconds: [String: Double],
                kernels: [KernelBreakdown], bound: String, rooflineSeconds: Double, loopNest: String) {
        self.hardware = hardware; self.kernel = kernel; self.engine = engine; self.latencySeconds = latencySeconds
        self.energyJoules = energyJoules; self.flops = flops; self.dramBytes = dramBytes; self.l2Bytes = l2Bytes
        self.sharedMemoryBytes = sharedMemoryBytes; self.clockRatio = clockRatio; self.averagePowerWatts = averagePowerWatts
        self.staticJoules = staticJoules; self.dynamicJoules = dynamicJoules; self.energyByComponent = energyByComponent
        self.resourceSeconds = resourceSeconds; self.kernels = kernels; self.bound = bound; self.rooflineSeconds = rooflineSeconds
        self.loopNest = loopNest
    }

    /// How the mapper found the mapping (searched results only).
    public var mapper: MapperStatistics?
    /// The cycle engine's schedule (its first iterations), for `--trace`; nil from the roofline engine.
    public var trace: ChromeTrace?

    /// Achieved FLOP/s.
    /// Adds `joules` of the memory system's time-proportional energy (a re-timed schedule's
    /// change) to the dynamic energy and its DRAM part; the caller then recomputes
    /// `energyJoules` from the static and dynamic parts.
    public mutating func addMemoryActiveEnergy(_ joules: Double, dramLevel: String) {
        guard joules != 0, joules.isFinite else { return }
        dynamicJoules += joules
        energyByComponent[dramLevel, default: 0] += joules
    }

    public var achievedFLOPS: Double { latencySeconds > 0 ? flops / latencySeconds : 0 }
    /// Percent of the roofline bound achieved.
    public var percentOfRoofline: Double { latencySeconds > 0 ? 100 * rooflineSeconds / latencySeconds : 0 }
}

/// What a mapping search did: candidates fully evaluated, dropped by a bound before evaluation,
/// and refused because a level overflowed (by level), and the wall-clock time it took.
public struct MapperStatistics: Sendable, Hashable {
    public var evaluated: Double
    public var pruned: Double
    public var infeasible: [String: Double]
    public var seconds: Double
    /// Size of the mapspace searched, and whether a time limit or an interrupt cut it short.
    public var mapspaceSize: Double
    public var stoppedEarly: Bool

    public init(evaluated: Double, pruned: Double, infeasible: [String: Double], seconds: Double, mapspaceSize: Double, stoppedEarly: Bool) {
        self.evaluated = evaluated; self.pruned = pruned; self.infeasible = infeasible; self.seconds = seconds
        self.mapspaceSize = mapspaceSize; self.stoppedEarly = stoppedEarly
    }

    /// Candidates evaluated per second of search.
    public var evaluatedPerSecond: Double { seconds > 0 ? evaluated / seconds : 0 }
}
