import EinsimCore
import HardwareModel

/// TEMPORARY: an in-code H100 used until the XML loader lands (same numbers as the XML profile).
public enum DevProfiles {
    public static func h100() -> HardwareProfile {
        let pJ = 1e-12
        return HardwareProfile(
            name: "nvidia-h100-sxm", summary: "NVIDIA H100 SXM5 80GB", kind: .gpu, clockHz: 1.98e9,
            computeUnits: [
                ComputeUnit(name: "tensor-core", kind: .matrix, count: 132, operations: [.matrixMAC], throughput: [
                    Throughput(precision: .bf16, path: "wgmma", opsPerCycle: 2048, achievedFraction: 0.93),
                    Throughput(precision: .bf16, path: "mma.sync", opsPerCycle: 2048, achievedFraction: 0.6225),
                ], energy: [OperationEnergy(operation: .matrixMAC, precision: .bf16, joules: 0.9 * pJ, path: "wgmma"),
                          OperationEnergy(operation: .matrixMAC, precision: .bf16, joules: 2.16 * pJ, path: "mma.sync")]),
                ComputeUnit(name: "cuda-core", kind: .vector, count: 132, width: 128, operations: [.vectorAdd, .vectorMul, .vectorMax],
                            throughput: [Throughput(precision: .fp32, opsPerCycle: 128)],
                            energy: [OperationEnergy(operation: nil, precision: .fp32, joules: 1.0 * pJ)]),
                ComputeUnit(name: "sfu", kind: .specialFunction, count: 132, operations: [.specialFunction, .divide],
                            throughput: [Throughput(precision: .fp32, opsPerCycle: 16)],
                            energy: [OperationEnergy(operation: nil, precision: .fp32, joules: 3.0 * pJ)]),
            ],
            memoryLevels: [
                MemoryLevel(name: "hbm", capacityBytes: 80e9, instances: 1, bandwidthBytesPerSecond: 3.35e12, achievedFraction: 0.9,
                            readEnergyPerBit: 10.9 * pJ, writeEnergyPerBit: 10.9 * pJ, latencySeconds: 0.8e-6),
                MemoryLevel(name: "l2", capacityBytes: 50 * 1024 * 1024, instances: 1, bandwidthBytesPerSecond: 5.5e12,
                            readEnergyPerBit: 1.1 * pJ, writeEnergyPerBit: 1.1 * pJ),
                MemoryLevel(name: "smem", capacityBytes: 228 * 1024, instances: 132, bandwidthBytesPerSecond: 128 * 1.98e9,
                            readEnergyPerBit: 2.0 * pJ, writeEnergyPerBit: 2.0 * pJ),
                MemoryLevel(name: "registers", capacityBytes: 256 * 1024, instances: 132, bandwidthBytesPerSecond: 1e15,
                            readEnergyPerBit: 0, writeEnergyPerBit: 0),
            ],
            power: PowerModel(idleWatts: 130.782, limitWatts: 700), launchOverheadSeconds: 0.89e-6, processorCount: 132)
    }
}
