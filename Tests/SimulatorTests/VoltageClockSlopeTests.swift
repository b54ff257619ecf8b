import Foundation
@testable import Einsim
import Testing

/// The core voltage's fall with the clock (`voltage-clock-slope`, measured 2026-12-02 on the H200:
/// Calibration/README.md "Round 8"): on-chip energy per operation scales with V², so a kernel's
/// on-chip energy falls below the boost clock while its DRAM energy does not, and the power
/// limiter settles at a higher clock than clock-independent energies give.
@Suite struct VoltageClockSlopeTests {
    static func kernel(onChip: Double, dram: Double, slope: Double) -> KernelCost {
        var k = KernelCost(name: "k", computeSeconds: 1e-3, memorySeconds: 0, fixedSeconds: 0, onChipEnergy: onChip,
                           dramEnergy: dram, executed: OperationCounts(), dramBytes: 0, l2Bytes: 0, sharedMemoryBytes: 0,
                           resources: ResourceTimes(matrix: 1e-3))
        k.voltageClockSlope = slope
        return k
    }

    @Test func onChipEnergyScalesWithTheVoltageSquared() {
        let k = Self.kernel(onChip: 1, dram: 0.5, slope: 0.48)
        #expect(k.onChipEnergy(clockRatio: 1) == 1)
        let v = 1 - 0.48 * 0.25
        #expect(abs(k.onChipEnergy(clockRatio: 0.75) - v * v) < 1e-12)
        // DRAM energy stays: the memory has its own supply.
        #expect(abs(k.dynamicEnergy(clockRatio: 0.75) - (v * v + 0.5)) < 1e-12)
        // Slope 0 (profiles without the parameter): independent of the clock, as before.
        let flat = Self.kernel(onChip: 1, dram: 0.5, slope: 0)
        #expect(flat.dynamicEnergy(clockRatio: 0.6) == 1.5)
    }

    /// A compute-bound kernel over the limit: with the voltage falling, power falls faster than
    /// the clock, so the limiter's clock is higher than with flat energies, and each is the
    /// largest clock whose average power fits the limit.
    @Test func theLimiterSettlesHigherWhenTheVoltageFalls() {
        let idle = 100.0, limit = 700.0
        // 1.0 J over 1 ms at boost: 1000 W dynamic.
        let flat = Self.kernel(onChip: 1.0, dram: 0, slope: 0), sloped = Self.kernel(onChip: 1.0, dram: 0, slope: 0.48)
        let rFlat = PowerCapping.clockRatio(kernel: flat, idleWatts: idle, limitWatts: limit, minimumRatio: 0.3)
        let rSloped = PowerCapping.clockRatio(kernel: sloped, idleWatts: idle, limitWatts: limit, minimumRatio: 0.3)
        #expect(abs(rFlat - 0.6) < 1e-4, "flat: P = 1000 W x r must meet 600 W")
        #expect(rSloped > rFlat + 0.05, "sloped \(rSloped) vs flat \(rFlat)")
        let t = sloped.seconds(clockRatio: rSloped)
        #expect(abs(sloped.dynamicEnergy(clockRatio: rSloped) / t - (limit - idle)) < 0.5)
    }

    /// The H200 profile carries the measured slope; the H100 (fitted at its capped clock with
    /// flat energies, no H100 to re-measure) does not; a slope outside 0...1 is refused with the
    /// parameter's name.
    @Test func profilesCarryTheSlopeAndBadValuesAreRefused() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm"), h100 = try Fixtures.machine("nvidia-h100-sxm")
        #expect(abs(h200.voltageClockSlope - 0.48) < 1e-12)
        #expect(h100.voltageClockSlope == 0)
        var profile = try ProfileResolver.load("nvidia-h200-sxm")
        profile.parameters["voltage-clock-slope"]?.value = 1.5; profile.parameters["voltage-clock-slope"]?.text = "1.5"
        #expect {
            _ = try GPUMachine(profile: profile)
        } throws: { error in
            "\(error)".contains("voltage-clock-slope")
        }
    }

    /// The H200's wgmma MAC at the boost clock comes, at the H100's capped GEMM clock
    /// (≈ 1485 MHz), to the H100's 0.9 pJ within 15%: one GH100 MAC in both profiles. (0.80 pJ
    /// since round 10: the H200's shared-memory and L2 energies are measured, 0.87 and 4.2 pJ/bit,
    /// where the H100's 0.3 and 2.75 were split from its attention fits with its MAC; the bytes
    /// took part of what the H100 profile charges its MACs. No H100 to re-split them on.)
    @Test func theHopperMACAgreesAtTheSameClock() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm"), h100 = try Fixtures.machine("nvidia-h100-sxm")
        let v = 1 - h200.voltageClockSlope * (1 - 1485.0 / 1980.0)
        let atCap = h200.energyPerMAC(path: "wgmma") * v * v
        #expect(abs(atCap - h100.energyPerMAC(path: "wgmma")) / h100.energyPerMAC(path: "wgmma") < 0.15, "\(atCap * 1e12) pJ")
        #expect(atCap < h100.energyPerMAC(path: "wgmma"), "the H200's measured bytes take energy from its MAC, not the reverse")
    }
}
