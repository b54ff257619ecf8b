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
