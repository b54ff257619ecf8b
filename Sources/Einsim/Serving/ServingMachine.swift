import Foundation
import EinsimCore
import HardwareModel
import Simulator

/// The devices of a serving system, resolved from a profile: the compute device (a GPU through
/// its calibrated kernel model, or an NPU's arrays and vector units), the memory that holds the
/// weights, and the PIM memory that can run attention GEMVs.
struct ServingMachine {
    /// An NPU as the serving model uses it: weight-stationary systolic arrays, vector units and a
    /// scratchpad that double-buffers streamed weights.
    struct NPU {
        var name: String
        var arrays: Int, rows: Int, columns: Int
        var clockHz: Double
        var macJoules: Double
        /// Vector lane-operations per second over all vector units, and seconds per exp (issue cost).
        var vectorOpsPerSecond: Double, specialOpsPerSecond: Double
        var vectorJoules: Double
        var scratchpadBytes: Double
        var peakMACsPerSecond: Double { Double(arrays * rows * columns) * clockHz }
    }

    enum Compute {
        case gpu(GPUMachine)
        case npu(NPU)
    }

    /// The memory the compute device streams weights (and, without PIM attention, the KV cache) from.
    struct Memory {
        var name: String
        var sustainedBandwidth: Double
        var joulesPerByte: Double
        /// Command-level timing when the profile gives the DRAM organization.
        var timing: DRAMCommandTiming?
        /// The PIM GEMVs run in this same memory (NeuPIMs, Newton): with one row buffer a bank
        /// serves either, so normal accesses and PIM commands take turns on it.
        var sharedWithPIM: Bool
        /// Bytes it holds (all instances).
        var capacityBytes: Double

        func readSeconds(_ bytes: Double) -> Double {
            guard bytes > 0 else { return 0 }
            guard let timing else { return bytes / sustainedBandwidth }
            let key = StreamKey(dram: timing.dram, pim: timing.pim, bytes: bytes)
            Memory.lock.lock()
            let known = Memory.streams[key]
            Memory.lock.unlock()
            if let known { return known }
            let seconds = timing.streamingRead(bytes: bytes).seconds
            Memory.lock.lock()
            if Memory.streams.count > 100_000 { Memory.streams.removeAll() }
            Memory.streams[key] = seconds
            Memory.lock.unlock()
            return seconds
        }

        /// Command-level stream times by (organization, bytes): a pure function, shared by every
        /// point of a study.
        private struct StreamKey: Hashable { var dram: DRAMOrganization; var pim: PIMOrganization?; var bytes: Double }
        nonisolated(unsafe) private static var streams: [StreamKey: Double] = [:]
        private static let lock = NSLock()
    }

    var profile: HardwareProfile
    var compute: Compute
    var computeName: String
    var memory: Memory
    var pim: PIMAttentionMapper?
    var pimName: String
    var pimRowBuffers: Int
    /// Bytes the PIM memory holds (all instances; 0 without PIM).
    var pimCapacityBytes: Double
    /// The link between the compute device and the PIM memory (offloading transfers).
    var link: Link?
    /// Per-direction device-to-device bandwidth for the tensor-parallel all-reduce.
    var interconnectBandwidth: Double?
    var idleWatts: Double

    var npu: NPU? { if case let .npu(n) = compute { return n } else { return nil } }
    var gpu: GPUMachine? { if case let .gpu(g) = compute { return g } else { return nil } }

    init(profile: HardwareProfile) throws {
        self.profile = profile
        let computeProfile: HardwareProfile
        switch profile.kind {
        case .gpu, .npu:
            computeProfile = profile
        case .system:
            guard let device = profile.devices.first(where: { $0.kind == .gpu || $0.kind == .npu }) else {
                throw SimulationError.unsupported("system '\(profile.name)' has no GPU or NPU device to run the GEMMs of decoding")
            }
            computeProfile = device
        default:
            throw SimulationError.unsupported("'\(profile.name)' is a \(profile.kind.rawValue); --scope serving runs on GPUs, NPUs and NPU/GPU + PIM systems (e.g. neupims, attacc, nvidia-a100-sxm)")
        }
        computeName = computeProfile.kind == .gpu ? "gpu" : "npu"
        idleWatts = profile.kind == .system ? profile.devices.reduce(0) { $0 + $1.power.idleWatts } + profile.power.idleWatts
                                            : profile.power.idleWatts
        if computeProfile.kind == .gpu {
            compute = .gpu(try GPUMachine(profile: computeProfile))
        } else {
            compute = .npu(try Self.npu(computeProfile))
        }
        interconnectBandwidth = computeProfile.parameter("interconnect-bandwidth") ?? profile.parameter("interconnect-bandwidth")

        // The PIM memory: the system level that serves the PIM units.
        let pimUnit = profile.devices.flatMap(\.computeUnits).first { $0.kind == .pimALU }
        let pimLevel = pimUnit.flatMap { unit in profile.memoryLevels.first { level in unit.servedBy.contains(level.name) || level.serves.contains(unit.name) } }
        if let pimOrganization = profile.pim, let dram = profile.dram, let level = pimLevel {
            pim = try PIMAttentionMapper(dram: dram, pim: pimOrganization, instances: level.instances)
            pimName = level.name
            pimRowBuffers = pimOrganization.rowBuffersPerBank
            pimCapacityBytes = level.aggregateCapacity
        } else {
            pim = nil; pimName = "pim"; pimRowBuffers = 1; pimCapacityBytes = 0
        }
        // Weights live in the compute device's own main memory when it has one (a GPU), else in
        // the system memory it reads over its link (the NPU of NeuPIMs reads the PIM HBM).
        if let own = computeProfile.mainMemory, computeProfile.kind == .gpu || profile.kind != .system {
            let timing = profile.kind == .system ? nil : try profile.dram.map { try DRAMCommandTiming(dram: $0, pim: nil) }
            memory = Memory(name: own.name, sustainedBandwidth: own.sustainedBandwidth, joulesPerByte: own.readEnergyPerBit * 8,
                            timing: timing, sharedWithPIM: false, capacityBytes: own.aggregateCapacity)
        } else if let level = profile.memoryLevels.first {
            let read = profile.links.first { $0.to == level.name }
            memory = Memory(name: level.name, sustainedBandwidth: read.map { $0.bandwidthBytesPerSecond } ?? level.sustainedBandwidth,
                            joulesPerByte: (read?.energyPerBit ?? level.readEnergyPerBit) * 8,
                            timing: try profile.dram.map { try DRAMCommandTiming(dram: $0, pim: profile.pim) },
                            sharedWithPIM: pimLevel?.name == level.name, capacityBytes: level.aggregateCapacity)
        } else {
            throw SimulationError.unsupported("'\(profile.name)' has no memory level to hold the model's weights")
        }
        link = profile.links.first { $0.to == pimName }
    }

    private static func npu(_ p: HardwareProfile) throws -> NPU {
        let machine = try Machine(profile: p, precision: .fp16)
        guard let array = machine.units.filter({ $0.kind == .matrix }).max(by: { $0.elements * $0.instances < $1.elements * $1.instances }),
              let rows = array.rows, let columns = array.columns else {
            throw SimulationError.unsupported("NPU '\(p.name)' has no 2-D systolic array with rows and columns for the GEMMs")
        }
        guard let vector = machine.units.first(where: { $0.rate[.vectorAdd] != nil }) else {
            throw SimulationError.unsupported("NPU '\(p.name)' has no vector unit for softmax and the elementwise operations")
        }
        let scratchpad = p.memoryLevels.first { $0.name == "scratchpad" } ?? p.memoryLevels.last
        return NPU(name: p.name, arrays: array.instances, rows: rows, columns: columns, clockHz: machine.clockHz,
                   macJoules: array.energy[.matrixMAC] ?? 0,
                   vectorOpsPerSecond: vector.throughput(.vectorAdd, clockHz: machine.clockHz),
                   specialOpsPerSecond: vector.throughput(.specialFunction, clockHz: machine.clockHz),
                   vectorJoules: vector.energy[.vectorAdd] ?? 0,
                   scratchpadBytes: scratchpad.map { $0.capacityBytes * Double($0.instances) } ?? 0)
    }
}
