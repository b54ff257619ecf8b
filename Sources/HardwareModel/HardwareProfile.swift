import EinsimCore

/// What kind of machine a profile describes.
public enum TargetKind: String, Sendable, Hashable, CaseIterable, Codable {
    case gpu, npu, asic, pim
    /// Several devices with links between them (e.g. an NPU plus PIM-enabled HBM).
    case system
}

/// Where a number came from: a datasheet, a paper, a measurement (with method), or an estimate.
public struct Provenance: Sendable, Hashable, Codable {
    public var source: String
    public init(_ source: String) { self.source = source }
}

/// A validated hardware model, built from an XML profile (after inheritance is resolved).
///
/// All quantities are in base SI units as `Double`: seconds, hertz, bytes, bytes/second,
/// joules, watts. Per-instance figures are per instance of a unit or memory (e.g. per SM);
/// aggregate figures are derived by the accessors.
public struct HardwareProfile: Sendable, Hashable {
    /// The profile's name (file stem of a shipped profile, e.g. `nvidia-h100-sxm`).
    public var name: String
    /// One line for `einsim list`.
    public var summary: String
    public var kind: TargetKind
    /// Clock the compute units run at when not power-limited (boost), in Hz.
    public var clockHz: Double
    /// Compute units (matrix arrays, vector ALUs, special-function units, PIM ALUs).
    public var computeUnits: [ComputeUnit]
    /// Memory levels, outermost (DRAM / HBM) first, innermost (registers) last.
    public var memoryLevels: [MemoryLevel]
    /// DRAM organization and timing, when the profile gives it (needed by the cycle engine and PIM).
    public var dram: DRAMOrganization?
    /// Processing-in-memory organization, for PIM targets.
    public var pim: PIMOrganization?
    /// Static and limiting power.
    public var power: PowerModel
    /// Fixed cost per kernel launch / dispatch, in seconds (0 for fixed-function accelerators).
    public var launchOverheadSeconds: Double
    /// Number of parallel processors work is distributed over (SMs on a GPU, cores/arrays elsewhere).
    public var processorCount: Int
    /// Sub-devices of a heterogeneous system (empty otherwise).
    public var devices: [HardwareProfile]
    /// Links between devices of a system.
    public var links: [Link]
    /// Provenance of the profile as a whole.
    public var provenance: Provenance?
    /// Named machine parameters from `<parameters>` (after inheritance), by name.
    public var parameters: [String: ProfileParameter]
    /// Where the `<profile>` (or `<device>`) element is, nil when the profile was built in code.
    public var location: SourceLocation?
    /// Whether the profile (after inheritance) has a `<processors>` element. When false,
    /// ``processorCount`` is a default (1, or the sum over devices). True for profiles built in
    /// code, whose caller gives `processorCount` explicitly.
    public var hasExplicitProcessorCount: Bool

    public init(
        name: String, summary: String, kind: TargetKind, clockHz: Double,
        computeUnits: [ComputeUnit], memoryLevels: [MemoryLevel],
        dram: DRAMOrganization? = nil, pim: PIMOrganization? = nil,
        power: PowerModel, launchOverheadSeconds: Double, processorCount: Int,
        devices: [HardwareProfile] = [], links: [Link] = [], provenance: Provenance? = nil,
        parameters: [String: ProfileParameter] = [:], location: SourceLocation? = nil,
        hasExplicitProcessorCount: Bool = true
    ) {
        self.name = name; self.summary = summary; self.kind = kind; self.clockHz = clockHz
        self.computeUnits = computeUnits; self.memoryLevels = memoryLevels
        self.dram = dram; self.pim = pim; self.power = power
        self.launchOverheadSeconds = launchOverheadSeconds; self.processorCount = processorCount
        self.devices = devices; self.links = links; self.provenance = provenance
        self.parameters = parameters; self.location = location
        self.hasExplicitProcessorCount = hasExplicitProcessorCount
    }

    /// The value of the parameter `name` in base SI units (s, B, Hz, …, or the plain number),
    /// nil when the profile does not define it.
    public func parameter(_ name: String) -> Double? { parameters[name]?.value }

    /// The compute unit with this name, if any.
    public func unit(named name: String) -> ComputeUnit? { computeUnits.first { $0.name == name } }

    /// The memory level with this name, if any.
    public func memory(named name: String) -> MemoryLevel? { memoryLevels.first { $0.name == name } }

    /// Units that can perform operations of `costClass`.
    public func units(for costClass: CostClass) -> [ComputeUnit] {
        computeUnits.filter { $0.operations.contains(costClass) }
    }

    /// The outermost (off-chip) memory level.
    public var mainMemory: MemoryLevel? { memoryLevels.first }
}

/// A named machine parameter from a profile's `<parameters>`, e.g.
/// `<parameter name="fa2.combine-step" source="fitted …">0.55 us</parameter>`.
public struct ProfileParameter: Sendable, Hashable {
    public var name: String
    /// The value in base SI units: s, B, Hz, W, J, … (see ``dimension``), or the plain number.
    public var value: Double
    /// The value as written in the profile (`0.55 us`).
    public var text: String
    /// The dimension of ``value``, from the unit written (``Dimension/dimensionless`` for a plain number).
    public var dimension: Dimension
    public var provenance: Provenance?
    /// Where the `<parameter>` element is (nil when built in code).
    public var location: SourceLocation?

    public init(name: String, value: Double, text: String, dimension: Dimension = .dimensionless,
                provenance: Provenance? = nil, location: SourceLocation? = nil) {
        self.name = name; self.value = value; self.text = text; self.dimension = dimension
        self.provenance = provenance; self.location = location
    }
}

/// A class of compute unit, e.g. the tensor cores of every SM, or a 256×256 PE array.
public struct ComputeUnit: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// Matrix / systolic array (tensor cores, 2-D PE arrays).
        case matrix
        /// Vector / SIMD ALUs (CUDA cores, 1-D PE arrays, NPU vector units).
        case vector
        /// Special-function units (exp, rsqrt, …).
        case specialFunction = "special-function"
        /// ALUs placed beside DRAM banks.
        case pimALU = "pim-alu"
    }

    public var name: String
    public var kind: Kind
    /// Instances on the device (e.g. 132: one tensor-core complex per SM).
    public var count: Int
    /// Array dimensions for matrix units (rows × columns), nil otherwise.
    public var rows: Int?
    public var columns: Int?
    /// SIMD width for vector units, nil otherwise.
    public var width: Int?
    /// Cost classes this unit can execute.
    public var operations: Set<CostClass>
    /// Peak throughput per instance, per precision and instruction path.
    public var throughput: [Throughput]
    /// Dynamic energy per operation, per precision.
    public var energy: [OperationEnergy]
    /// Names of the memory levels that feed this unit directly.
    public var servedBy: [String]
    /// Issue slots one operation of a class takes, where it is not 1 (e.g. FuseMax's exp =
    /// 6 MACs + 1 add = 7 slots on a PE array without an exp unit). Absent classes cost 1.
    public var issueCost: [CostClass: Double]

    public init(
        name: String, kind: Kind, count: Int, rows: Int? = nil, columns: Int? = nil, width: Int? = nil,
        operations: Set<CostClass>, throughput: [Throughput], energy: [OperationEnergy] = [],
        servedBy: [String] = [], issueCost: [CostClass: Double] = [:]
    ) {
        self.name = name; self.kind = kind; self.count = count; self.rows = rows; self.columns = columns
        self.width = width; self.operations = operations; self.throughput = throughput
        self.energy = energy; self.servedBy = servedBy; self.issueCost = issueCost
    }

    /// Issue slots one operation of `costClass` takes on this unit (1 unless the profile says otherwise).
    public func issueSlots(for costClass: CostClass) -> Double { issueCost[costClass] ?? 1 }

    /// The throughput entry for `precision` on `path` (nil path = the unit's default, i.e. the
    /// first entry for that precision). Falls back to the nearest wider precision the unit has.
    public func throughput(for precision: Precision, path: String? = nil) -> Throughput? {
        let candidates = throughput.filter { path == nil || $0.path == path }
        if let exact = candidates.first(where: { $0.precision == precision }) { return exact }
        return candidates.filter { $0.precision.bytes >= precision.bytes }
            .min { $0.precision.bytes < $1.precision.bytes }
    }

    /// Energy per operation of `costClass` at `precision` in joules (nearest precision available), 0 if unknown.
    public func energyPerOperation(_ costClass: CostClass, precision: Precision, path: String? = nil) -> Double {
        var forClass = energy.filter { $0.operation == costClass || $0.operation == nil }
        if let path, forClass.contains(where: { $0.path == path }) {
            forClass = forClass.filter { $0.path == path }
        } else {
            forClass = forClass.filter { $0.path == nil } + forClass.filter { $0.path != nil }
        }
        if let exact = forClass.first(where: { $0.precision == precision }) { return exact.joules }
        if let any = forClass.min(by: { abs($0.precision.bytes - precision.bytes) < abs($1.precision.bytes - precision.bytes) }) {
            return any.joules
        }
        return 0
    }
}

/// Throughput of one instance of a unit at one precision on one instruction path.
public struct Throughput: Sendable, Hashable {
    public var precision: Precision
    /// Instruction path (e.g. `wgmma`, `mma.sync`); nil when the unit has one path.
    public var path: String?
    /// Operations per cycle per instance at peak (MACs for matrix units, ops for others).
    public var opsPerCycle: Double
    /// Fraction of peak that a well-fed steady-state stream of this path achieves (measured), 0…1.
    public var achievedFraction: Double
    public var provenance: Provenance?

    public init(precision: Precision, path: String? = nil, opsPerCycle: Double, achievedFraction: Double = 1, provenance: Provenance? = nil) {
        self.precision = precision; self.path = path; self.opsPerCycle = opsPerCycle
        self.achievedFraction = achievedFraction; self.provenance = provenance
    }
}

/// Energy of one operation (of one class, or of any class when `operation` is nil) at a precision.
public struct OperationEnergy: Sendable, Hashable {
    public var operation: CostClass?
    public var precision: Precision
    public var joules: Double
    public var provenance: Provenance?
    /// Instruction path this energy applies to (nil = every path of the unit).
    public var path: String?

    public init(operation: CostClass?, precision: Precision, joules: Double, provenance: Provenance? = nil, path: String? = nil) {
        self.operation = operation; self.precision = precision; self.joules = joules; self.provenance = provenance
        self.path = path
    }
}

/// One level of the memory hierarchy (HBM, L2, shared memory, register file, global buffer…).
public struct MemoryLevel: Sendable, Hashable {
    public var name: String
    /// Capacity of one instance in bytes.
    public var capacityBytes: Double
    /// Number of instances (e.g. 132 shared memories, one per SM; 1 HBM).
    public var instances: Int
    /// Bandwidth of one instance in bytes/second at peak.
    public var bandwidthBytesPerSecond: Double
    /// Fraction of peak bandwidth a streaming access pattern achieves (measured), 0…1.
    public var achievedFraction: Double
    /// Banks and ports per instance, when given.
    public var banks: Int?
    public var ports: Int?
    /// Dynamic energy to read / write one bit, in joules.
    public var readEnergyPerBit: Double
    public var writeEnergyPerBit: Double
    /// Access latency in seconds, when given (0 otherwise).
    public var latencySeconds: Double
    /// Names of the compute units / inner levels this level serves.
    public var serves: [String]
    public var provenance: Provenance?

    public init(
        name: String, capacityBytes: Double, instances: Int, bandwidthBytesPerSecond: Double,
        achievedFraction: Double = 1, banks: Int? = nil, ports: Int? = nil,
        readEnergyPerBit: Double, writeEnergyPerBit: Double, latencySeconds: Double = 0,
        serves: [String] = [], provenance: Provenance? = nil
    ) {
        self.name = name; self.capacityBytes = capacityBytes; self.instances = instances
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond; self.achievedFraction = achievedFraction
        self.banks = banks; self.ports = ports; self.readEnergyPerBit = readEnergyPerBit
        self.writeEnergyPerBit = writeEnergyPerBit; self.latencySeconds = latencySeconds
        self.serves = serves; self.provenance = provenance
    }

    /// Peak bandwidth over all instances.
    public var aggregateBandwidth: Double { bandwidthBytesPerSecond * Double(instances) }
    /// Achieved (sustained) bandwidth over all instances.
    public var sustainedBandwidth: Double { aggregateBandwidth * achievedFraction }
    /// Capacity over all instances.
    public var aggregateCapacity: Double { capacityBytes * Double(instances) }
}

/// Static and limiting power of a device.
public struct PowerModel: Sendable, Hashable {
    /// Board power at rest, in watts (included in energy for every second the work runs).
    public var idleWatts: Double
    /// Power limit (TDP); when dynamic + idle power would exceed it, the clock drops and work stretches.
    public var limitWatts: Double
    public var provenance: Provenance?

    public init(idleWatts: Double, limitWatts: Double, provenance: Provenance? = nil) {
        self.idleWatts = idleWatts; self.limitWatts = limitWatts; self.provenance = provenance
    }
}

/// A link between devices of a heterogeneous system.
public struct Link: Sendable, Hashable {
    public var from: String
    public var to: String
    public var bandwidthBytesPerSecond: Double
    public var energyPerBit: Double
    public var latencySeconds: Double

    public init(from: String, to: String, bandwidthBytesPerSecond: Double, energyPerBit: Double, latencySeconds: Double = 0) {
        self.from = from; self.to = to; self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.energyPerBit = energyPerBit; self.latencySeconds = latencySeconds
    }
}
