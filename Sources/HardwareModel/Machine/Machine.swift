import EinsimCore

/// A hardware profile resolved into what the engines read, for every target kind (GPU, NPU,
/// ASIC spatial array, PIM, systems of devices): storage levels outermost first, compute units
/// with their rate and energy per operation class (issue costs applied), power. Every number
/// comes from the profile; a profile that lacks what an engine needs is rejected here with its
/// file:line, the element path and a suggestion.
public struct Machine: Sendable, Hashable {
    /// One storage level (all instances together).
    public struct Level: Sendable, Hashable {
        public var name: String
        /// Capacity of one instance, bytes.
        public var capacityBytes: Double
        public var instances: Int
        /// Sustained bandwidth of all instances together, bytes/s.
        public var bandwidth: Double
        public var readJoulesPerByte: Double
        public var writeJoulesPerByte: Double
        public var latencySeconds: Double
        /// True for the off-chip backing store (the outermost level).
        public var offChip: Bool
    }

    /// One kind of compute unit (all instances together).
    public struct Unit: Sendable, Hashable {
        public var name: String
        public var kind: ComputeUnit.Kind
        public var instances: Int
        /// Rows × columns of a 2-D array, or the width of a 1-D array (columns 1); nil when the
        /// profile does not say (a GPU's tensor cores).
        public var rows: Int?
        public var columns: Int?
        /// Operations per cycle per instance for each class it runs (issue costs applied).
        public var rate: [CostClass: Double]
        /// Joules per operation of each class.
        public var energy: [CostClass: Double]
        /// Storage levels that feed it.
        public var servedBy: [String]

        /// Operations of `c` per second over all instances at `clockHz`.
        public func throughput(_ c: CostClass, clockHz: Double) -> Double {
            (rate[c] ?? 0) * Double(instances) * clockHz
        }
        /// Processing elements per instance (rows × columns, or width).
        public var elements: Int { (rows ?? 1) * (columns ?? 1) }
    }

    public var name: String
    public var kind: TargetKind
    public var clockHz: Double
    public var levels: [Level]
    public var units: [Unit]
    public var idleWatts: Double
    public var limitWatts: Double
    public var launchOverheadSeconds: Double
    /// The operand precision the rates and energies were resolved for.
    public var precision: Precision
    /// The profile it came from (names, provenance, GPU-specific parameters).
    public var profile: HardwareProfile

    /// Resolves `profile` for operands of `precision`.
    public init(profile: HardwareProfile, precision: Precision = .bf16) throws {
        func fail(_ what: String, _ suggestion: String) -> SimpleInputError {
            SimpleInputError("profile '\(profile.name)' (/profile) \(what)", at: profile.location, suggestion: suggestion)
        }
        guard profile.clockHz > 0 else {
            throw fail("has no clock", "add <clock>1 GHz</clock>")
        }
        guard let main = profile.memoryLevels.first else {
            throw fail("has no <memory> level", "list the storage levels outermost (DRAM/HBM) first, each with <capacity> and <bandwidth>")
        }
        name = profile.name
        self.precision = precision
        kind = profile.kind
        clockHz = profile.clockHz
        self.profile = profile
        levels = profile.memoryLevels.map { m in
            Level(name: m.name, capacityBytes: m.capacityBytes, instances: max(1, m.instances), bandwidth: m.sustainedBandwidth,
                  readJoulesPerByte: m.readEnergyPerBit * 8, writeJoulesPerByte: m.writeEnergyPerBit * 8,
                  latencySeconds: m.latencySeconds, offChip: m.name == main.name)
        }
        for level in levels where level.bandwidth <= 0 {
            throw fail("gives memory '\(level.name)' no bandwidth", "add <bandwidth> to <memory name=\"\(level.name)\">")
        }
        units = try profile.computeUnits.map { u in
            var rate: [CostClass: Double] = [:], energy: [CostClass: Double] = [:]
            guard let t = u.throughput(for: precision) ?? u.throughput.first else {
                throw fail("gives unit '\(u.name)' no <throughput>", "add <throughput precision=\"\(precision.rawValue)\">N ops/cycle</throughput>")
            }
            for op in u.operations.sorted(by: { $0.rawValue < $1.rawValue }) {
                rate[op] = t.opsPerCycle * t.achievedFraction / max(u.issueSlots(for: op), 1e-9)
                energy[op] = u.energyPerOperation(op, precision: precision)
            }
            var rows = u.rows, columns = u.columns
            if rows == nil, let w = u.width { rows = w; columns = 1 }
            return Unit(name: u.name, kind: u.kind, instances: max(1, u.count), rows: rows, columns: columns,
                        rate: rate, energy: energy, servedBy: u.servedBy)
        }
        guard !units.isEmpty else {
            throw fail("has no compute <unit>", "add a <unit> with its <operations> and <throughput>")
        }
        idleWatts = profile.power.idleWatts
        limitWatts = profile.power.limitWatts
        launchOverheadSeconds = profile.launchOverheadSeconds
    }

    /// The off-chip backing store.
    public var mainMemory: Level { levels[0] }
    /// The largest on-chip level (global buffer, scratchpad, L2), if any.
    public var onChipBuffer: Level? {
        levels.dropFirst().max { $0.capacityBytes * Double($0.instances) < $1.capacityBytes * Double($1.instances) }
    }
    /// The unit that runs `op` fastest (nil when none can).
    public func fastestUnit(for op: CostClass) -> Unit? {
        units.filter { ($0.rate[op] ?? 0) > 0 }.max { $0.throughput(op, clockHz: clockHz) < $1.throughput(op, clockHz: clockHz) }
    }
    /// Peak operations per second of `op` over the machine.
    public func peak(_ op: CostClass) -> Double { fastestUnit(for: op)?.throughput(op, clockHz: clockHz) ?? 0 }
}
