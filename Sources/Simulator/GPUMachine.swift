import EinsimCore
import HardwareModel

/// Rates and energies of a GPU-like profile, resolved once so the engine's hot path reads plain
/// numbers. Rates are per processor (SM) per cycle at the boost clock; energies are at the boost
/// clock; energy per operation is taken as clock-independent (fit in Calibration/README.md).
public struct GPUMachine: Sendable {
    public var name: String
    public var processors: Int
    public var clockHz: Double
    /// Matrix MACs per cycle per processor, achieved, per instruction path (bf16).
    public var matrixRate: [String: Double]
    /// Default path (the fastest the unit has).
    public var defaultPath: String
    public var specialFunctionRate: Double
    public var vectorRate: Double
    public var divideRate: Double
    /// Bytes per cycle per processor from shared memory / scratchpad.
    public var sharedMemoryBytesPerCycle: Double
    public var sharedMemoryCapacity: Double
    public var registerFileBytes: Double
    /// Last-level cache capacity and sustained bandwidth (bytes/s, whole chip).
    public var l2Capacity: Double
    public var l2Bandwidth: Double
    /// Main memory sustained bandwidth (bytes/s) and loaded latency (s).
    public var dramBandwidth: Double
    public var dramLatency: Double
    public var launchOverhead: Double
    public var idleWatts: Double
    public var limitWatts: Double
    /// Dynamic energies (J) at the boost clock.
    /// Energy per matrix MAC per instruction path (mma.sync moves operands through the register file).
    public var energyPerMACByPath: [String: Double]
    public var energyPerExp: Double
    public var energyPerVectorOp: Double
    public var energyPerSharedMemoryByte: Double
    public var energyPerL2Byte: Double
    public var energyPerDRAMByte: Double
    /// Achieved matrix MACs per cycle per processor for every precision the profile lists, per path
    /// (see `GPUMachine+Precision.swift` for the lookup with fallbacks).
    public var matrixRateByPrecision: [Precision: [String: Double]] = [:]
    /// Energy per matrix MAC for every precision, per path (the profile's nearest entry).
    public var energyPerMACByPrecision: [Precision: [String: Double]] = [:]

    /// Peak matrix FLOP/s on the default path (2 FLOPs per MAC).
    public var peakMatrixFLOPS: Double { 2 * (matrixRate[defaultPath] ?? 0) * Double(processors) * clockHz }

    /// Resolves a profile. Fails (as data) when the profile lacks a part the GPU model needs.
    public init(profile: HardwareProfile, precision: Precision = .bf16) throws {
        func need<T>(_ value: T?, _ what: String) throws -> T {
            guard let value else {
                throw SimulationError.unsupported("profile '\(profile.name)' has no \(what); the GPU model needs one")
            }
            return value
        }
        name = profile.name
        processors = max(1, profile.processorCount)
        clockHz = profile.clockHz
        let matrix = try need(profile.computeUnits.first { $0.kind == .matrix }, "matrix unit")
        var rates: [String: Double] = [:]
        for t in matrix.throughput where t.precision == precision || rates[t.path ?? "default"] == nil {
            if t.precision == precision || t.precision.bytes >= precision.bytes {
                let key = t.path ?? "default"
                if t.precision == precision || rates[key] == nil { rates[key] = t.opsPerCycle * t.achievedFraction }
            }
        }
        if rates.isEmpty, let first = matrix.throughput.first { rates[first.path ?? "default"] = first.opsPerCycle * first.achievedFraction }
        matrixRate = rates
        defaultPath = rates.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "default"
        let sfu = profile.computeUnits.first { $0.kind == .specialFunction }
        let vector = profile.computeUnits.first { $0.kind == .vector }
        func rate(_ unit: ComputeUnit?) -> Double {
            guard let unit, let t = unit.throughput(for: .fp32) ?? unit.throughput.first else { return 0 }
            return t.opsPerCycle * t.achievedFraction
        }
        vectorRate = max(rate(vector), 1e-9)
        specialFunctionRate = sfu.map { rate($0) } ?? vectorRate / 8
        divideRate = profile.computeUnits.first { $0.operations.contains(.divide) }.map { rate($0) } ?? specialFunctionRate
        let levels = profile.memoryLevels
        let main = try need(levels.first, "memory level")
        func level(_ names: [String], fallbackIndex: Int) -> MemoryLevel? {
            levels.first { names.contains($0.name) } ?? (levels.count > fallbackIndex ? levels[fallbackIndex] : nil)
        }
        let l2 = level(["l2", "llc", "global-buffer"], fallbackIndex: 1) ?? main
        let smem = level(["smem", "shared", "shared-memory", "scratchpad"], fallbackIndex: 2) ?? l2
        let regs = level(["registers", "register-file", "rf"], fallbackIndex: 3) ?? smem
        dramBandwidth = main.sustainedBandwidth
        dramLatency = main.latencySeconds
        l2Capacity = l2.aggregateCapacity
        l2Bandwidth = l2.sustainedBandwidth
        sharedMemoryCapacity = smem.capacityBytes
        sharedMemoryBytesPerCycle = smem.bandwidthBytesPerSecond * smem.achievedFraction / profile.clockHz
        registerFileBytes = regs.capacityBytes
        launchOverhead = profile.launchOverheadSeconds
        idleWatts = profile.power.idleWatts
        limitWatts = profile.power.limitWatts
        var macEnergy: [String: Double] = [:]
        for path in rates.keys { macEnergy[path] = matrix.energyPerOperation(.matrixMAC, precision: precision, path: path == "default" ? nil : path) }
        energyPerMACByPath = macEnergy
        for t in matrix.throughput {
            matrixRateByPrecision[t.precision, default: [:]][t.path ?? "default"] = t.opsPerCycle * t.achievedFraction
        }
        for p in Precision.allCases {
            for path in rates.keys {
                // The path's own entry for p; else p's entry on any path; else the nearest precision on the path.
                let pathName: String? = path == "default" ? nil : path
                let listed = matrix.energy.filter { ($0.operation == .matrixMAC || $0.operation == nil) && $0.precision == p }
                let onPath = listed.contains { $0.path == pathName }
                energyPerMACByPrecision[p, default: [:]][path] = matrix.energyPerOperation(.matrixMAC, precision: p, path: onPath || listed.isEmpty ? pathName : nil)
            }
        }
        energyPerExp = sfu?.energyPerOperation(.specialFunction, precision: .fp32) ?? 0
        energyPerVectorOp = vector?.energyPerOperation(.vectorAdd, precision: .fp32) ?? 0
        energyPerSharedMemoryByte = smem.readEnergyPerBit * 8
        energyPerL2Byte = l2.readEnergyPerBit * 8
        energyPerDRAMByte = (main.readEnergyPerBit + main.writeEnergyPerBit) * 4
    }

    /// Energy of one MAC on `path` (the default path if unknown).
    public func energyPerMAC(path: String) -> Double {
        energyPerMACByPath[path] ?? energyPerMACByPath[defaultPath] ?? 0
    }

    /// Achieved matrix MACs per cycle per processor on `path` (the default path if unknown).
    public func matrixRate(path: String) -> Double {
        matrixRate[path] ?? matrixRate[defaultPath] ?? 1
    }
}

/// Why a simulation could not be done (exit status 1), as opposed to bad input (exit status 2).
public enum SimulationError: Error, CustomStringConvertible, Sendable {
    case unsupported(String)
    public var description: String {
        switch self {
        case let .unsupported(why): return "cannot simulate: \(why)"
        }
    }
}
