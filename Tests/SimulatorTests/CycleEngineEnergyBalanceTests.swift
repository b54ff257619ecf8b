import Testing
import HardwareModel
@testable import Einsim
@testable import Simulator
import Workloads

/// The cycle engine re-times GPU kernels; the memory system's time-proportional power (the
/// H200's `memory-active-power`) is drawn over the scheduled times, so the kernels' energies, the
/// energy breakdown and the dynamic energy stay one number.
@Suite("Cycle engine energy balance")
struct CycleEngineEnergyBalanceTests {
    @Test(arguments: ["nvidia-h200-sxm", "nvidia-h100-sxm"])
    func partsAddUpUnderTheCycleEngine(hardware: String) throws {
        let shapes = [AttentionShape(batch: 16, heads: 32, kvHeads: 8, qLen: 1, kvLen: 8192, headDim: 128),
                      AttentionShape(batch: 2, heads: 32, kvHeads: 8, qLen: 4096, kvLen: 4096, headDim: 128, causal: true)]
        let machine = try GPUMachine(profile: try ProfileResolver.load(hardware))
        for shape in shapes {
            let (roofline, cycle) = try CycleEngineTests.both(shape, on: hardware)
            let kernels = cycle.kernels.reduce(0.0) { $0 + $1.dynamicJoules }
            let parts = cycle.energyByComponent.keys.sorted().reduce(0.0) { $0 + (cycle.energyByComponent[$1] ?? 0) }
            #expect(abs(kernels - cycle.dynamicJoules) <= 1e-9 * cycle.dynamicJoules, "\(hardware) \(shape): kernels \(kernels) vs \(cycle.dynamicJoules)")
            #expect(abs(parts - cycle.dynamicJoules) <= 1e-9 * cycle.dynamicJoules, "\(hardware) \(shape): parts \(parts) vs \(cycle.dynamicJoules)")
            #expect(abs(cycle.energyJoules - cycle.staticJoules - cycle.dynamicJoules) <= 1e-12 * cycle.energyJoules)
            // What changes is only the memory system's power over the changed time.
            let bound = machine.memoryActiveWatts * abs(cycle.latencySeconds - roofline.latencySeconds) * (1 + 1e-9)
            #expect(abs(cycle.dynamicJoules - roofline.dynamicJoules) <= bound + 1e-15, "\(hardware) \(shape)")
            if machine.memoryActiveWatts == 0 { #expect(cycle.dynamicJoules == roofline.dynamicJoules) }
        }
    }
}

/// Every GPU kernel builder charges the memory system's time-proportional power where the
/// profile states it (the H200), and none where it does not (the H100, A100: unchanged results).
@Suite("Memory-system power in every GPU kernel")
struct MemoryActivePowerCoverageTests {
    @Test func everyKernelBuilderChargesItOnTheH200Only() throws {
        let h200 = try GPUMachine(profile: try ProfileResolver.load("nvidia-h200-sxm"))
        let engine = RooflineEngine()
        for machine in [h200, try GPUMachine(profile: try ProfileResolver.load("nvidia-h100-sxm")),
                        try GPUMachine(profile: try ProfileResolver.load("nvidia-a100-sxm"))] {
            let stated = machine.memoryActiveWatts > 0
            #expect(stated == (machine.name == "nvidia-h200-sxm"), "\(machine.name)")
            var ops = OperationCounts()
            ops[.vectorAdd] = 1e8
            let decode = try AttentionPlanner.plan(shape: AttentionShape(batch: 4, heads: 32, kvHeads: 8, qLen: 1, kvLen: 32768, headDim: 128),
                                                   variant: try VariantSpec.parse("dense"), preset: .fa2, machine: machine)
            let kernels = [engine.gemmKernel(GEMMShape(m: 4096, n: 4096, k: 4096), machine: machine),
                           engine.passKernel(PassWork(name: "pass", operations: ops, dramBytes: 4e8), machine: machine)] + decode.kernels
            #expect(decode.kernels.count >= 2, "FA2 split-KV decode and its combine: \(decode.kernels.map(\.name))")
            for k in kernels {
                #expect((k.memoryActiveWatts > 0) == stated && (k.memoryActiveCapSeconds > 0) == stated, "\(machine.name) \(k.name)")
                if stated {
                    #expect(k.memoryActiveWatts == machine.memoryActiveWatts)
                    #expect(abs(k.memoryActiveCapSeconds - k.dramBytes / machine.memoryActiveRate) <= 1e-12 * k.memoryActiveCapSeconds)
                    // The charge is what makes the dynamic energy exceed the per-op and per-byte parts.
                    #expect(k.dynamicEnergy(clockRatio: 1) > k.onChipEnergy + k.dramEnergy)
                } else {
                    #expect(k.dynamicEnergy(clockRatio: 1) == k.onChipEnergy + k.dramEnergy)
                }
            }
        }
    }
}
