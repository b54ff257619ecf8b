import EinsimCore
import HardwareModel
import Mapper
import Workloads

/// Rates and energies of a GPU-like profile, resolved once so the engine's hot path reads plain
/// numbers. Rates are per processor (SM) per cycle at the boost clock; energies are at the boost
/// clock; energy per operation is taken as clock-independent (fit in Calibration/README.md).
public struct GPUMachine: Sendable {
    public var name: String
    public var processors: Int
    public var clockHz: Double
    /// Matrix MACs per cycle per processor, achieved, per instruction path (bf16).
    public var matrixRate: [String: Double] {
        didSet { (matrixPaths, pathsByRate) = Self.paths(matrixRate) }
    }
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
    /// Main memory capacity (bytes, whole device): the call's tensors must fit.
    public var dramCapacity: Double
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
    /// Names of the storage levels the GPU kernels' loop nests use.
    public var levels: GPUStorageLevels
    /// Fraction of L2 that holds data reused across concurrently running thread blocks
    /// (profile parameter `l2-resident-fraction`).
    public var l2ResidentFraction: Double
    /// Resident thread blocks and threads per SM (`max-thread-blocks-per-sm`, `max-threads-per-sm`).
    public var maxThreadBlocksPerSM: Int
    public var maxThreadsPerSM: Int
    /// Energy of a MAC on zero-filled padding rows relative to a real one (`padding-mac-energy-fraction`).
    public var paddingMACEnergyFraction: Double
    /// Fraction of the register file a searched mapping's accumulators may use (`register-headroom`).
    public var registerHeadroom: Double
    /// Lowest clock ratio DVFS may choose under the power limit (`minimum-clock` / boost clock).
    public var minimumClockRatio: Double
    /// Seconds of one dependent step per split of each preset's split-KV combine (`PRESET.combine-step`).
    public var combineStepSeconds: [String: Double]
    /// Bus-time overhead per non-contiguous gathered chunk, in bytes (`gather-overhead`).
    public var gatherOverheadBytes: Double
    /// Per kernel family: the split-KV combine kernel's duration floor beyond its launch and two
    /// dependent DRAM round trips (`PRESET.combine-fixed`).
    public var combineFixedSeconds: [String: Double]
    /// Time from issuing a thread block's K/V tile loads to their arrival under load
    /// (`streaming-latency`, optional; 0: streams are limited by the bandwidth alone).
    public var streamingLatency: Double = 0
    /// Per kernel family: energy per matrix MAC inside that family's attention kernel, where the
    /// profile gives one (`PRESET.mac-energy`, optional): its operand path (a product with one
    /// operand from registers) and accumulator traffic, fitted to the family's measured energy.
    public var familyMACEnergy: [String: Double] = [:]
    /// Per kernel family: energy per executed MAC of that family's decode calls (one query per
    /// head, in its split-KV or its regular kernel), where the profile gives one
    /// (`PRESET.decode-mac-energy`, optional): each MAC of a tile row whether the row is a real
    /// query or padding (measured: real and padded rows cost the same there), softmax rows alike.
    /// Absent: the path's (or family's) MAC energy, padding rows at `padding-mac-energy-fraction`.
    public var familyDecodeMACEnergy: [String: Double] = [:]
    /// Per kernel family: energy per executed score beyond its MACs, exps and counted FP32 ops
    /// (`PRESET.score-energy`, optional): the score tile's register-file round trips.
    public var familyScoreEnergy: [String: Double] = [:]
    /// Warp schedulers (sub-partitions) per SM (`warp-schedulers-per-sm`, optional; 0: not modeled)
    /// and the fraction of its throughput an SM reaches when each holds a single warp
    /// (`single-warp-issue-efficiency`).
    public var warpSchedulersPerSM: Int = 0
    public var singleWarpIssueEfficiency: Double = 1
    /// Shared memory the system reserves per resident thread block (`shared-memory-reserved-per-block`;
    /// 0 when the profile does not give it).
    public var sharedMemoryReservedPerBlock: Double = 0
    /// The L2 bandwidth one SM can draw when few SMs are asking (`l2-port-bandwidth`; 0 when the
    /// profile does not give it: an SM never draws more than its share of the L2's bandwidth).
    public var l2PortBandwidth: Double = 0
    /// The L2 bandwidth, all SMs together, of K/V tiles loaded through the bulk copy engine (TMA)
    /// (`l2-bulk-copy-bandwidth`; 0 when the profile does not give it: such tiles stream at the
    /// L2 bandwidth, as `cp.async` tiles do). See ``KernelTraits/loadsTilesByBulkCopy``.
    public var l2BulkCopyBandwidth: Double = 0
    /// Power the memory system draws while DRAM streams, in proportion to time rather than bytes
    /// (`memory-active-power`, optional; 0: DRAM energy is per byte only), and the slowest stream
    /// rate that keeps it active throughout (`memory-active-rate`): a kernel's memory system is
    /// active for its duration, at most for its DRAM bytes at that rate.
    public var memoryActiveWatts: Double = 0
    /// The slowest stream rate (bytes/s) that keeps the memory system active throughout
    /// (`memory-active-rate`; required with `memory-active-power`).
    public var memoryActiveRate: Double = 0
    /// How fast the core voltage falls with the clock under DVFS (`voltage-clock-slope`, optional;
    /// 0: per-operation energies independent of the clock): V(r) / V(boost) = 1 − slope × (1 − r),
    /// and on-chip energy per operation scales with V². DRAM energies do not (their own supply).
    public var voltageClockSlope: Double = 0
    /// The power limiter's tolerance at the start of a run (`power-limit-excess-energy`, optional;
    /// 0: a run is power-limited from its start): the energy the board may draw above its limit
    /// before the limiter has lowered the clock to the sustained state. A short run (a latency
    /// burst) finishes partly at the boost clock.
    public var powerLimitExcessEnergy: Double = 0
    /// The profile the machine was resolved from (units and levels by their own names).
    public var profile: HardwareProfile { profileBox.profile }
    /// The name of the profile's first matrix unit (nil when it has none).
    public var matrixUnitName: String? { profileBox.matrixUnit }
    /// The name of the profile's first special-function unit (nil when it has none).
    public var specialFunctionUnitName: String? { profileBox.specialFunctionUnit }
    /// The name of the profile's first vector unit (nil when it has none).
    public var vectorUnitName: String? { profileBox.vectorUnit }
    /// Held by reference: the machine is copied into every candidate's model.
    private let profileBox: ProfileBox
    /// Matrix instruction paths the matrix unit has (for refusing presets that need another).
    public private(set) var matrixPaths: [String] = []
    /// The paths fastest first (equal rates by name): what ``sm`` offers a mapping.
    private var pathsByRate: [String] = []

    /// The paths by name and fastest first, kept with ``matrixRate`` (every sweep point asks).
    private static func paths(_ rates: [String: Double]) -> ([String], [String]) {
        (rates.keys.sorted(), rates.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map(\.key))
    }

    /// Peak matrix FLOP/s on the default path (2 FLOPs per MAC).
    public var peakMatrixFLOPS: Double { 2 * (matrixRate[defaultPath] ?? 0) * Double(processors) * clockHz }

    /// Resolves a profile. Fails (as data) when the profile lacks a part the GPU model needs.
    public init(profile: HardwareProfile, precision: Precision = .bf16) throws {
        func need<T>(_ value: T?, _ what: String, suggestion: String) throws -> T {
            guard let value else {
                throw SimpleInputError("profile '\(profile.name)' (/profile) has no \(what); the GPU model needs one",
                                       at: profile.location, suggestion: suggestion)
            }
            return value
        }
        /// A required parameter of `dimension`, within `range` (bad values are located).
        func parameter(_ key: String, example: String, _ dimension: Dimension = .dimensionless,
                       _ range: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude, exclusiveLower: Bool = false,
                       rangeText: String? = nil, measuredIn reference: String = "nvidia-h100-sxm.xml for the measured H100 value") throws -> Double {
            guard let p = profile.parameters[key] else {
                _ = try need(Optional<Double>.none, "parameter '\(key)'",
                             suggestion: "add <parameter name=\"\(key)\" source=\"…\">\(example)</parameter> to its <parameters> (see \(reference))")
                return 0
            }
            guard p.dimension == dimension else {
                throw SimpleInputError("parameter '\(key)' is \(p.dimension.phrase) ('\(p.text)'); the GPU model needs \(dimension.phrase)",
                                       at: p.location ?? profile.location, suggestion: "write it like \(example)")
            }
            let low = range.lowerBound
            guard p.value.isFinite, p.value <= range.upperBound, exclusiveLower ? p.value > low : p.value >= low else {
                let bound = rangeText ?? (range.upperBound == .greatestFiniteMagnitude ? (exclusiveLower ? "positive" : "not negative")
                    : "in \(exclusiveLower ? "(" : "[")\(low), \(range.upperBound)]")
                throw SimpleInputError("parameter '\(key)' is \(p.text); it must be \(bound)", at: p.location ?? profile.location,
                                       suggestion: "e.g. \(example) (the H100's value, with its source, is in nvidia-h100-sxm.xml)")
            }
            return p.value
        }
        guard profile.kind == .gpu else {
            throw SimulationError.unsupported("profile '\(profile.name)' is \(profile.kind == .asic ? "an" : "a") \(profile.kind.rawValue) target; the GPU kernel model needs a gpu profile")
        }
        name = profile.name
        profileBox = ProfileBox(profile)
        processors = max(1, profile.processorCount)
        clockHz = profile.clockHz
        let matrix = try need(profile.computeUnits.first { $0.kind == .matrix }, "matrix unit",
                              suggestion: "add a <unit kind=\"matrix\"> with its <throughput> per path")
        var rates: [String: Double] = [:]
        for t in matrix.throughput where t.precision == precision || rates[t.path ?? "default"] == nil {
            if t.precision == precision || t.precision.bytes >= precision.bytes {
                let key = t.path ?? "default"
                if t.precision == precision || rates[key] == nil { rates[key] = t.opsPerCycle * t.achievedFraction }
            }
        }
        if rates.isEmpty, let first = matrix.throughput.first { rates[first.path ?? "default"] = first.opsPerCycle * first.achievedFraction }
        matrixRate = rates
        (matrixPaths, pathsByRate) = Self.paths(rates)
        defaultPath = rates.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "default"
        let sfu = profile.computeUnits.first { $0.kind == .specialFunction }
        let vector = profile.computeUnits.first { $0.kind == .vector }
        func rate(_ unit: ComputeUnit?) -> Double {
            guard let unit, let t = unit.throughput(for: .fp32) ?? unit.throughput.first else { return 0 }
            return t.opsPerCycle * t.achievedFraction
        }
        let vectorUnit = try need(vector, "vector unit", suggestion: "add a <unit kind=\"vector\"> (the FP32 lanes of an SM)")
        vectorRate = max(rate(vectorUnit), 1e-9)
        // Exp and divide run on the unit that lists them; a unit without a special-function unit
        // runs them through its issue cost.
        func rate(of op: CostClass) throws -> Double {
            let unit = try need(profile.units(for: op).first(where: { $0.kind == .specialFunction }) ?? profile.units(for: op).first,
                                "unit that runs \(op.rawValue)", suggestion: "list \(op.rawValue) in the <operations> of a unit (an sfu, or the vector unit with an <issueCost>)")
            return rate(unit) / unit.issueSlots(for: op)
        }
        specialFunctionRate = try rate(of: .specialFunction)
        divideRate = try rate(of: .divide)
        let levels = profile.memoryLevels
        let main = try need(levels.first, "memory level", suggestion: "add the <memory> levels, outermost (HBM) first")
        guard levels.count >= 4 else {
            throw SimpleInputError("profile '\(profile.name)' (/profile) has \(levels.count) memory level(s); the GPU model needs four: DRAM, L2, shared memory, registers",
                                   at: profile.location, suggestion: "list <memory> elements outermost first: hbm, l2, smem, registers (as in nvidia-h100-sxm.xml)")
        }
        let l2 = levels[1], smem = levels[2], regs = levels[3]
        self.levels = GPUStorageLevels(dram: main.name, l2: l2.name, shared: smem.name, registers: regs.name)
        dramBandwidth = main.sustainedBandwidth
        dramCapacity = main.aggregateCapacity
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
        guard profile.hasExplicitProcessorCount else {
            throw SimpleInputError("profile '\(profile.name)' (/profile) gives no <processors>; the GPU model spreads thread blocks over the SMs",
                                   at: profile.location, suggestion: "add <processors>N</processors> (the number of SMs; 132 on an H100)")
        }
        guard profile.power.limitWatts > profile.power.idleWatts else {
            throw SimpleInputError("profile '\(profile.name)': the power limit (\(profile.power.limitWatts) W) must be above the idle power (\(profile.power.idleWatts) W)",
                                   at: profile.location, suggestion: "raise <power><limit> (or, in a sweep, sweep power.limit above the idle power)")
        }
        l2ResidentFraction = try parameter("l2-resident-fraction", example: "0.5", .dimensionless, 0...1, exclusiveLower: true)
        maxThreadBlocksPerSM = Int(try parameter("max-thread-blocks-per-sm", example: "32", .dimensionless, 1...1_048_576))
        maxThreadsPerSM = Int(try parameter("max-threads-per-sm", example: "2048", .dimensionless, 32...1_048_576))
        paddingMACEnergyFraction = try parameter("padding-mac-energy-fraction", example: "0.6", .dimensionless, 0...1)
        registerHeadroom = try parameter("register-headroom", example: "0.75", .dimensionless, 0...1, exclusiveLower: true)
        minimumClockRatio = try parameter("minimum-clock", example: "792 MHz", .frequency, 0...profile.clockHz, exclusiveLower: true,
                                      rangeText: "positive and at most the boost <clock>") / profile.clockHz
        var steps: [String: Double] = [:]
        for preset in KernelPreset.allCases where preset != .auto {
            steps[preset.rawValue] = try parameter("\(preset.rawValue).combine-step", example: "0.3 us", .time)
        }
        combineStepSeconds = steps
        var fixedParts: [String: Double] = [:]
        for preset in KernelPreset.allCases where preset != .auto {
            fixedParts[preset.rawValue] = try parameter("\(preset.rawValue).combine-fixed", example: "2 us", .time)
        }
        combineFixedSeconds = fixedParts
        // A parameter the GPU model does not read is a typo or a stale name: say so.
        var known: Set<String> = ["l2-resident-fraction", "max-thread-blocks-per-sm", "max-threads-per-sm",
                                  "padding-mac-energy-fraction", "register-headroom", "minimum-clock", "gather-overhead", "streaming-latency",
                                  "warp-schedulers-per-sm", "single-warp-issue-efficiency", "interconnect-bandwidth",
                                  "memory-active-power", "memory-active-rate", "power-limit-excess-energy", "voltage-clock-slope",
                                  "shared-memory-reserved-per-block", "l2-port-bandwidth", "l2-bulk-copy-bandwidth"]
        for preset in KernelPreset.allCases where preset != .auto {
            known.insert("\(preset.rawValue).combine-step"); known.insert("\(preset.rawValue).combine-fixed")
            known.insert("\(preset.rawValue).mac-energy"); known.insert("\(preset.rawValue).score-energy")
            known.insert("\(preset.rawValue).decode-mac-energy")
        }
        for name in profile.parameters.keys.sorted() where !known.contains(name) {
            throw SimpleInputError("parameter '\(name)' is not one the GPU model reads", at: profile.parameters[name]?.location ?? profile.location,
                                   suggestion: Suggestions.didYouMean(name, in: known.sorted()) ?? "the GPU parameters are: \(known.sorted().joined(separator: ", "))")
        }
        gatherOverheadBytes = try parameter("gather-overhead", example: "64 B", .bytes)
        for preset in KernelPreset.allCases where preset != .auto && profile.parameters["\(preset.rawValue).mac-energy"] != nil {
            familyMACEnergy[preset.rawValue] = try parameter("\(preset.rawValue).mac-energy", example: "1.2 pJ", .energy)
        }
        for preset in KernelPreset.allCases where preset != .auto && profile.parameters["\(preset.rawValue).decode-mac-energy"] != nil {
            familyDecodeMACEnergy[preset.rawValue] = try parameter("\(preset.rawValue).decode-mac-energy", example: "1.9 pJ", .energy)
        }
        for preset in KernelPreset.allCases where preset != .auto && profile.parameters["\(preset.rawValue).score-energy"] != nil {
            familyScoreEnergy[preset.rawValue] = try parameter("\(preset.rawValue).score-energy", example: "77 pJ", .energy)
        }
        if profile.parameters["warp-schedulers-per-sm"] != nil {
            warpSchedulersPerSM = Int(try parameter("warp-schedulers-per-sm", example: "4", .dimensionless, 1...64))
            singleWarpIssueEfficiency = try parameter("single-warp-issue-efficiency", example: "0.83", .dimensionless, 0...1, exclusiveLower: true)
        }
        if profile.parameters["l2-port-bandwidth"] != nil {
            l2PortBandwidth = try parameter("l2-port-bandwidth", example: "160 GB/s", .bandwidth, 0...Double.greatestFiniteMagnitude, exclusiveLower: true,
                                            measuredIn: "nvidia-h200-sxm.xml for the measured H200 value")
        }
        if profile.parameters["l2-bulk-copy-bandwidth"] != nil {
            l2BulkCopyBandwidth = try parameter("l2-bulk-copy-bandwidth", example: "10.5 TB/s", .bandwidth, 0...Double.greatestFiniteMagnitude, exclusiveLower: true,
                                                measuredIn: "nvidia-h200-sxm.xml for the measured H200 value")
        }
        if profile.parameters["shared-memory-reserved-per-block"] != nil {
            sharedMemoryReservedPerBlock = try parameter("shared-memory-reserved-per-block", example: "1 KiB", .bytes)
        }
        if profile.parameters["streaming-latency"] != nil {
            streamingLatency = try parameter("streaming-latency", example: "4 us", .time)
        }
        if profile.parameters["memory-active-power"] != nil || profile.parameters["memory-active-rate"] != nil {
            memoryActiveWatts = try parameter("memory-active-power", example: "180 W", .power, measuredIn: "nvidia-h200-sxm.xml for the measured H200 value")
            memoryActiveRate = try parameter("memory-active-rate", example: "2.3 TB/s", .bandwidth, 0...Double.greatestFiniteMagnitude, exclusiveLower: true,
                                             measuredIn: "nvidia-h200-sxm.xml for the measured H200 value")
        }
        if profile.parameters["voltage-clock-slope"] != nil {
            voltageClockSlope = try parameter("voltage-clock-slope", example: "0.5", .dimensionless, 0...1)
        }
        if profile.parameters["power-limit-excess-energy"] != nil {
            powerLimitExcessEnergy = try parameter("power-limit-excess-energy", example: "2 J", .energy, measuredIn: "nvidia-h200-sxm.xml for the measured H200 value")
        }
    }

    /// Sets how `cost`'s energy depends on its run: the voltage's fall with the clock
    /// (``voltageClockSlope``) and the time-proportional memory power from its DRAM bytes
    /// (``memoryActiveWatts``).
    public func applyPowerModel(_ cost: inout KernelCost) {
        cost.voltageClockSlope = voltageClockSlope
        guard memoryActiveWatts > 0, memoryActiveRate > 0, cost.dramBytes > 0 else { return }
        cost.memoryActiveWatts = memoryActiveWatts
        cost.memoryActiveCapSeconds = cost.dramBytes / memoryActiveRate
    }

    /// Bandwidth a stream of `blocksInFlight` thread blocks reaches when each keeps
    /// `bytesInFlightPerBlock` in flight: Little's law (bytes in flight / loaded latency), at most
    /// the sustained DRAM bandwidth.
    public func streamingBandwidth(blocksInFlight: Int, bytesInFlightPerBlock: Double) -> Double {
        guard streamingLatency > 0, bytesInFlightPerBlock > 0 else { return dramBandwidth }
        return min(dramBandwidth, Double(max(1, blocksInFlight)) * bytesInFlightPerBlock / streamingLatency)
    }

    /// What one SM offers a thread block.
    public var sm: SMResources {
        SMResources(processors: processors, registerFileBytes: registerFileBytes, sharedMemoryBytes: sharedMemoryCapacity,
                    maxThreadBlocks: maxThreadBlocksPerSM, maxThreads: maxThreadsPerSM,
                    matrixPaths: pathsByRate, reservedSharedBytesPerBlock: sharedMemoryReservedPerBlock)
    }

    /// Thread blocks of `mapping` resident on one SM at once: limited by the SM's block and thread
    /// slots, its register file and its shared memory.
    public func residentBlocksPerSM(_ mapping: AttentionMapping, headDim e: Int, valueDim f: Int, elementBytes: Double) -> Int {
        SMResources(processors: processors, registerFileBytes: registerFileBytes, sharedMemoryBytes: sharedMemoryCapacity,
                    maxThreadBlocks: maxThreadBlocksPerSM, maxThreads: maxThreadsPerSM,
                    reservedSharedBytesPerBlock: sharedMemoryReservedPerBlock)
            .residentBlocks(mapping, headDim: e, valueDim: f, elementBytes: elementBytes)
    }

    /// Why this machine cannot run `mapping` (nil when it can).
    public func refusal(_ mapping: AttentionMapping, shape: AttentionShape, elementBytes: Double = 2) -> String? {
        mapping.refusal(shape: shape, matrixPaths: matrixPaths, sharedMemoryBytes: sharedMemoryCapacity,
                        registerFileBytes: registerFileBytes, elementBytes: elementBytes)
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


/// A profile held by reference (copying a ``GPUMachine`` then costs one retain).
final class ProfileBox: Sendable {
    let profile: HardwareProfile
    /// The names of the profile's first matrix, special-function and vector units (looked up
    /// once: results are keyed by them on every evaluation).
    let matrixUnit: String?, specialFunctionUnit: String?, vectorUnit: String?
    init(_ profile: HardwareProfile) {
        self.profile = profile
        let units = profile.computeUnits
        matrixUnit = units.first { $0.kind == .matrix }?.name
        specialFunctionUnit = units.first { $0.kind == .specialFunction }?.name
        vectorUnit = units.first { $0.kind == .vector }?.name
    }
}
