import EinsimCore
import Foundation
import HardwareModel

/// Paths into a hardware profile that a sweep (or code) may set, and setting them in memory.
///
/// | path | value |
/// |---|---|
/// | `clock`, `processors`, `power.limit`, `power.idle`, `launch-overhead` | Hz, count, W, W, s |
/// | `LEVEL.bandwidth`, `LEVEL.capacity` (whole level, over its instances) | B/s, B |
/// | `LEVEL.instances`, `LEVEL.banks`, `LEVEL.latency`, `LEVEL.achieved` | count, count, s, fraction |
/// | `LEVEL.read-energy`, `LEVEL.write-energy`, `LEVEL.energy` (both) | J/bit |
/// | `UNIT.count`, `UNIT.rows`, `UNIT.columns`, `UNIT.width` | count |
/// | `UNIT.throughput` (the first entry; the others scale with it), `UNIT.throughput.PRECISION` | ops/cycle per instance |
/// | `UNIT.energy` (the first entry; the others scale with it), `UNIT.energy.PRECISION` | J per operation |
/// | `UNIT.achieved` (every throughput entry) | fraction |
/// | `dram.TIMING` (`dram.tRCD`, `dram.tRP`, … as in the profile), `dram.channels`, `dram.tCK` | cycles, count, s |
/// | `parameter.NAME` (a `<parameter>` of the profile, in its own dimension) | as written |
public enum ProfileParameterPath {
    /// How a value is written and stored.
    public enum ValueKind: Sendable, Hashable {
        /// A quantity of a dimension, written with its unit (plain numbers for ops/cycle and cycles).
        case quantity(HardwareModel.Dimension)
        /// A positive integer (counts, array sizes, timing in cycles).
        case integer
        /// A fraction in (0, 1].
        case fraction
        /// A plain number (variant parameters).
        case number
        /// A quantity of any dimension, or a plain number (profile `<parameter>`s).
        case anyQuantity
        /// Text (mapping names).
        case text

        /// The SI base unit for column headers (nil for counts, plain numbers and text).
        public var unit: String? {
            switch self {
            case let .quantity(d): return Quantity.baseUnit(of: d)
            default: return nil
            }
        }

        var example: String {
            switch self {
            case let .quantity(d): return d.example.replacingOccurrences(of: " ", with: "")
            case .integer: return "128"
            case .fraction: return "0.9"
            case .number: return "0.5"
            case .anyQuantity: return "0.2us"
            case .text: return "fa2,fa3"
            }
        }

        var rangeExample: String {
            switch self {
            case .quantity(.bandwidth): return "1TB/s:8TB/s:x2"
            case .quantity(.frequency): return "1GHz:2GHz:+0.25GHz"
            case .quantity(.bytes): return "8MiB:64MiB:x2"
            case .integer: return "1024:65536:x2"
            default: return "0.1:0.9:+0.2"
            }
        }
    }

    /// Paths without a memory or unit prefix.
    public static let topLevel: [String: ValueKind] = [
        "clock": .quantity(.frequency), "processors": .integer, "power.limit": .quantity(.power),
        "power.idle": .quantity(.power), "launch-overhead": .quantity(.time),
    ]
    /// Fields of a memory level (`hbm.bandwidth`).
    public static let memoryFields: [String: ValueKind] = [
        "bandwidth": .quantity(.bandwidth), "capacity": .quantity(.bytes), "instances": .integer, "banks": .integer,
        "latency": .quantity(.time), "achieved": .fraction, "read-energy": .quantity(.energyPerBit),
        "write-energy": .quantity(.energyPerBit), "energy": .quantity(.energyPerBit),
    ]
    /// Fields of a compute unit (`tensor-core.count`).
    public static let unitFields: [String: ValueKind] = [
        "count": .integer, "rows": .integer, "columns": .integer, "width": .integer,
        "throughput": .quantity(.perCycle), "energy": .quantity(.energy), "achieved": .fraction,
    ]
    /// Fields of the DRAM organization besides its timing (`dram.tRCD`).
    public static let dramFields: [String: ValueKind] = ["channels": .integer, "tCK": .quantity(.time)]

    /// The kind of value `path` takes, from its shape alone (whether the profile has the level or
    /// unit is checked by ``apply(_:_:to:)``).
    public static func valueKind(of path: String) throws -> ValueKind {
        if let kind = topLevel[path] { return kind }
        if path.hasPrefix("parameter.") && path.count > "parameter.".count { return .anyQuantity }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, parts[0] == "dram" {
            if let kind = dramFields[parts[1]] { return kind }
            if DRAMTiming.cycleEngineAttributes.contains(parts[1]) { return .integer }
            throw SimpleInputError("unknown DRAM field '\(parts[1].prefix(40))' in sweep parameter '\(path.prefix(60))'",
                                   suggestion: Suggestions.didYouMean(parts[1], in: DRAMTiming.cycleEngineAttributes + dramFields.keys.sorted()).map { "\($0) (dram.\(Suggestions.closest(to: parts[1], in: DRAMTiming.cycleEngineAttributes + dramFields.keys.sorted()) ?? ""))" }
                                       ?? "DRAM fields: " + (DRAMTiming.cycleEngineAttributes + dramFields.keys.sorted()).joined(separator: ", "))
        }
        if parts.count == 2, !parts[0].isEmpty {
            if let kind = memoryFields[parts[1]] ?? unitFields[parts[1]] {
                // `energy` is per bit on a memory level and per operation on a unit; the profile decides.
                return parts[1] == "energy" ? .anyQuantity : kind
            }
        }
        if parts.count == 3, !parts[0].isEmpty, ["throughput", "energy"].contains(parts[1]) {
            guard Precision(rawValue: parts[2]) != nil else {
                let names = Precision.allCases.map(\.rawValue)
                throw SimpleInputError("unknown precision '\(parts[2].prefix(20))' in sweep parameter '\(path.prefix(60))'",
                                       suggestion: Suggestions.didYouMean(parts[2], in: names) ?? "precisions: " + names.joined(separator: ", "))
            }
            return unitFields[parts[1]] ?? .number
        }
        let fields = Set(memoryFields.keys).union(unitFields.keys).sorted()
        if parts.count == 2, !parts[0].isEmpty, let field = Suggestions.closest(to: parts[1], in: fields) {
            throw SimpleInputError("unknown sweep parameter '\(path.prefix(60))': no field '\(parts[1].prefix(30))'",
                                   suggestion: "did you mean '\(parts[0]).\(field)'?")
        }
        let known = SweepParameter.knownNames
        throw SimpleInputError("unknown sweep parameter '\(path.prefix(60))'",
                               suggestion: Suggestions.didYouMean(path, in: known)
                                   ?? "parameters: \(SweepParameter.workloadNames.joined(separator: ", ")), mapping, variant.KEY, \(topLevel.keys.sorted().joined(separator: ", ")), LEVEL.{\(memoryFields.keys.sorted().joined(separator: ","))}, UNIT.{\(unitFields.keys.sorted().joined(separator: ","))}, dram.TIMING, parameter.NAME")
    }

    /// Every path `profile` offers (for suggestions and `einsim list`-style help).
    public static func paths(of profile: HardwareProfile) -> [String] {
        var paths = topLevel.keys.sorted()
        for level in profile.memoryLevels { paths += memoryFields.keys.sorted().map { "\(level.name).\($0)" } }
        for unit in profile.computeUnits { paths += unitFields.keys.sorted().map { "\(unit.name).\($0)" } }
        if profile.dram != nil { paths += (DRAMTiming.cycleEngineAttributes + dramFields.keys.sorted()).map { "dram.\($0)" } }
        paths += profile.parameters.keys.sorted().map { "parameter.\($0)" }
        return paths
    }

    /// `profile` with `path` set to `value` (SI base units; counts as whole numbers). An unknown
    /// level, unit or parameter is an error suggesting the nearest path the profile has.
    public static func apply(_ path: String, _ value: Double, to profile: HardwareProfile) throws -> HardwareProfile {
        var p = profile
        func count(_ what: String) throws -> Int {
            guard value == value.rounded(), value >= 1, value <= Double(1 << 40) else {
                throw SimpleInputError("\(path) = \(SweepParameter.format(value)): \(what) must be a positive integer")
            }
            return Int(value)
        }
        func missing(_ what: String, _ name: String, _ names: [String]) -> SimpleInputError {
            let all = paths(of: profile)
            return SimpleInputError("profile '\(profile.name)' has no \(what) '\(name.prefix(40))' (sweep parameter '\(path.prefix(60))')",
                                    suggestion: Suggestions.didYouMean(path, in: all) ?? "\(what)s: " + names.joined(separator: ", "))
        }
        switch path {
        case "clock": p.clockHz = value; return p
        case "processors":
            let n = try count("processors")
            let old = p.processorCount
            p.processorCount = n
            for i in p.computeUnits.indices where p.computeUnits[i].count == old { p.computeUnits[i].count = n }
            for i in p.memoryLevels.indices where p.memoryLevels[i].instances == old { p.memoryLevels[i].instances = n }
            return p
        case "power.limit": p.power.limitWatts = value; return p
        case "power.idle": p.power.idleWatts = value; return p
        case "launch-overhead": p.launchOverheadSeconds = value; return p
        default: break
        }
        if path.hasPrefix("parameter.") {
            let name = String(path.dropFirst("parameter.".count))
            guard p.parameters[name] != nil else { throw missing("parameter", name, profile.parameters.keys.sorted()) }
            p.parameters[name]?.value = value
            p.parameters[name]?.text = SweepParameter.format(value)
            return p
        }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { throw missing("parameter", path, paths(of: profile)) }
        let (owner, field) = (parts[0], parts[1])
        if owner == "dram", p.memory(named: "dram") == nil || DRAMTiming.cycleEngineAttributes.contains(field) || dramFields[field] != nil {
            guard var dram = p.dram else {
                throw SimpleInputError("profile '\(profile.name)' gives no DRAM organization (sweep parameter '\(path.prefix(60))')",
                                       suggestion: "DRAM timing can be swept on profiles with a <dram> element (e.g. neupims, attacc)")
            }
            switch field {
            case "channels": dram.channels = try count("channels")
            case "tCK": dram.tCKSeconds = value
            default:
                let cycles = try count(field)
                guard let key = timingKeyPaths[field] else { throw missing("DRAM timing", field, DRAMTiming.cycleEngineAttributes) }
                dram.timing[keyPath: key] = cycles
            }
            p.dram = dram
            return p
        }
        if let index = p.memoryLevels.firstIndex(where: { $0.name == owner }), memoryFields[field] != nil, parts.count == 2 {
            // Aggregate figures: divided by the instances so the whole level gets the value.
            let instances = Double(max(1, p.memoryLevels[index].instances))
            switch field {
            case "bandwidth": p.memoryLevels[index].bandwidthBytesPerSecond = value / instances
            case "capacity": p.memoryLevels[index].capacityBytes = value / instances
            case "instances":
                // Per-instance figures are kept: more instances, more aggregate bandwidth and capacity.
                p.memoryLevels[index].instances = try count("instances")
            case "banks": p.memoryLevels[index].banks = try count("banks")
            case "latency": p.memoryLevels[index].latencySeconds = value
            case "achieved": p.memoryLevels[index].achievedFraction = value
            case "read-energy": p.memoryLevels[index].readEnergyPerBit = value
            case "write-energy": p.memoryLevels[index].writeEnergyPerBit = value
            default:
                p.memoryLevels[index].readEnergyPerBit = value
                p.memoryLevels[index].writeEnergyPerBit = value
            }
            return p
        }
        if let index = p.computeUnits.firstIndex(where: { $0.name == owner }), unitFields[field] != nil {
            var unit = p.computeUnits[index]
            let precision = parts.count == 3 ? Precision(rawValue: parts[2]) : nil
            switch field {
            case "count": unit.count = try count("count")
            case "rows": unit.rows = try count("rows")
            case "columns": unit.columns = try count("columns")
            case "width": unit.width = try count("width")
            case "achieved":
                for i in unit.throughput.indices { unit.throughput[i].achievedFraction = value }
            case "throughput":
                guard !unit.throughput.isEmpty else { throw missing("throughput entry on unit", owner, []) }
                if let precision {
                    guard unit.throughput.contains(where: { $0.precision == precision }) else {
                        throw missing("\(owner) throughput at precision", precision.rawValue, Array(Set(unit.throughput.map(\.precision.rawValue))).sorted())
                    }
                    for i in unit.throughput.indices where unit.throughput[i].precision == precision { unit.throughput[i].opsPerCycle = value }
                } else {
                    let factor = value / unit.throughput[0].opsPerCycle
                    for i in unit.throughput.indices { unit.throughput[i].opsPerCycle *= factor }
                }
            default:
                guard !unit.energy.isEmpty else { throw missing("energy entry on unit", owner, []) }
                if let precision {
                    guard unit.energy.contains(where: { $0.precision == precision }) else {
                        throw missing("\(owner) energy at precision", precision.rawValue, Array(Set(unit.energy.map(\.precision.rawValue))).sorted())
                    }
                    for i in unit.energy.indices where unit.energy[i].precision == precision { unit.energy[i].joules = value }
                } else {
                    let factor = unit.energy[0].joules > 0 ? value / unit.energy[0].joules : 1
                    for i in unit.energy.indices { unit.energy[i].joules = unit.energy[0].joules > 0 ? unit.energy[i].joules * factor : value }
                }
            }
            p.computeUnits[index] = unit
            return p
        }
        let owners = profile.memoryLevels.map(\.name) + profile.computeUnits.map(\.name)
        throw missing("memory level or unit", owner, owners)
    }

    /// The energy dimension `LEVEL.energy` / `UNIT.energy` takes on `profile` (per bit on a memory
    /// level, per operation on a unit).
    static func energyDimension(_ path: String, in profile: HardwareProfile) -> HardwareModel.Dimension? {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count == 2, parts[1] == "energy" else { return nil }
        if profile.memory(named: parts[0]) != nil { return .energyPerBit }
        if profile.unit(named: parts[0]) != nil { return .energy }
        return nil
    }

    nonisolated(unsafe) static let timingKeyPaths: [String: WritableKeyPath<DRAMTiming, Int>] = [
        "CL": \.CL, "CWL": \.CWL, "tRCD": \.tRCD, "tRCDWR": \.tRCDWR, "tRP": \.tRP, "tRAS": \.tRAS,
        "tCCD_S": \.tCCD_S, "tCCD_L": \.tCCD_L, "tCCD_WR_S": \.tCCD_WR_S, "tCCD_WR_L": \.tCCD_WR_L,
        "tRRD_S": \.tRRD_S, "tRRD_L": \.tRRD_L, "tFAW": \.tFAW, "tWR": \.tWR, "tWTR_S": \.tWTR_S,
        "tWTR_L": \.tWTR_L, "tRTP_S": \.tRTP_S, "tRTP_L": \.tRTP_L, "tRFC": \.tRFC, "tREFI": \.tREFI,
    ]
}
