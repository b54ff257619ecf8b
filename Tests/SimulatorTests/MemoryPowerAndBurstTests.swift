import Foundation
@testable import Einsim
import Testing

/// The H200 decode-power mechanisms of 2026-12-02 (Calibration/README.md "Decode power and the
/// latency bursts"): the memory system's power drawn over the time DRAM streams, and the power
/// limiter's start in a short run. Each test fails if its mechanism breaks.
@Suite struct MemoryPowerAndBurstTests {
    static let results = Fixtures.repositoryRoot + "/Calibration/results/"

    /// A kernel that moves `bytes` from DRAM over `seconds` (memory time only).
    static func stream(bytes: Double, seconds: Double, machine: GPUMachine) -> KernelCost {
        var k = KernelCost(name: "stream", computeSeconds: 0, memorySeconds: seconds, fixedSeconds: 0, onChipEnergy: 0,
                           dramEnergy: bytes * machine.energyPerDRAMByte, executed: OperationCounts(), dramBytes: bytes,
                           l2Bytes: bytes, sharedMemoryBytes: 0, resources: ResourceTimes(dram: seconds))
        machine.applyPowerModel(&k)
        return k
    }

    /// The same bytes streamed at half the rate cost more per byte: the memory system's power is
    /// drawn over time (the H200's copy at 2.77 TB/s costs more per byte than a read at 4.27 TB/s).
    @Test func aSlowerStreamCostsMorePerByte() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        #expect(h200.memoryActiveWatts > 100 && h200.memoryActiveWatts < 250)
        let bytes = 1e9
        let fast = Self.stream(bytes: bytes, seconds: bytes / 4.27e12, machine: h200)
        // Slower, but still above the rate below which the power is charged per byte.
        let slow = Self.stream(bytes: bytes, seconds: bytes / (1.05 * h200.memoryActiveRate), machine: h200)
        let eFast = fast.dynamicEnergy(clockRatio: 1), eSlow = slow.dynamicEnergy(clockRatio: 1)
        #expect(eSlow > eFast * 1.1, "slow \(eSlow) J vs fast \(eFast) J")
        // The difference is the memory power over the extra time.
        #expect(abs((eSlow - eFast) - h200.memoryActiveWatts * (slow.memorySeconds - fast.memorySeconds)) < 1e-9)
        // A kernel that moves few bytes over a long run (a compute-bound prefill) is charged the
        // power only for its bytes at the slowest rate that keeps the memory system active.
        let trickle = Self.stream(bytes: bytes, seconds: 100 * bytes / h200.memoryActiveRate, machine: h200)
        #expect(abs(trickle.memoryActiveEnergy(seconds: trickle.memorySeconds) - h200.memoryActiveWatts * bytes / h200.memoryActiveRate) < 1e-9)
        // A profile without the parameter charges bytes only.
        let h100 = try Fixtures.machine("nvidia-h100-sxm")
        let perByte = Self.stream(bytes: bytes, seconds: bytes / 2e12, machine: h100)
        #expect(perByte.dynamicEnergy(clockRatio: 1) == bytes * h100.energyPerDRAMByte)
    }

    /// The memory power is in the DVFS balance: with it a power-limited decode kernel runs at a
    /// lower clock than the same kernel without it, and the result's DRAM energy includes it.
    @Test func memoryPowerEntersThePowerLimit() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        var without = h200
        without.memoryActiveWatts = 0
        let shape = AttentionShape(batch: 64, heads: 32, kvHeads: 8, qLen: 1, kvLen: 4096, headDim: 128)
        let with = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: h200)
        let none = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: without)
        #expect(with.clockRatio < 1)
        #expect(with.clockRatio < none.clockRatio - 0.02, "\(with.clockRatio) vs \(none.clockRatio)")
        #expect(with.averagePowerWatts <= h200.limitWatts * 1.001)
        let hbm = with.energyByComponent[h200.levels.dram] ?? 0
        #expect(hbm > with.dramBytes * h200.energyPerDRAMByte + 0.5 * h200.memoryActiveWatts * with.latencySeconds)
    }

    /// The limiter's start: a short run from rest is faster than the sustained state, a long run
    /// tends to it, and a kernel under the limit runs at the boost clock either way.
    @Test func burstRunsFasterThanSustainedWhenPowerLimited() {
        let t1 = 1e-4, ts = 1.2e-4
        let burst = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 720,
                                                    sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                    busyFraction: .backToBack, idleWatts: 122)
        // 2 J over 20 W holds the boost for 0.1 s of the 0.15 s run.
        #expect(burst < ts && burst > t1)
        let long = PowerCapping.meanSecondsPerCall(runSeconds: 600, unthrottledSeconds: t1, unthrottledWatts: 720,
                                                   sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                    busyFraction: .backToBack, idleWatts: 122)
        #expect(abs(long - ts) / ts < 0.001)
        // A large excess (a GEMM) spends the tolerance quickly: closer to sustained than a small one.
        let big = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 900,
                                                  sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                    busyFraction: .backToBack, idleWatts: 122)
        #expect(big > burst)
        // A kernel whose boost-clock power is under the limit is never throttled: the run is at t1
        // even when a sustained time beyond it is passed.
        let under = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 650,
                                                    sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                    busyFraction: .backToBack, idleWatts: 122)
        #expect(abs(under - t1) <= 1e-15, "\(under)")
    }

    /// An idle share between replays lowers the board's average power: the limiter lets the kernel
    /// draw idle + (limit − idle) / busy while it runs, and a run from rest holds the boost clock
    /// longer (here: throughout, since 0.95 × 720 + 0.05 × 122 W is under 700 W).
    @Test func idleShareOfARunRaisesTheKernelsPowerBudget() {
        #expect(PowerCapping.dutyCycleLimit(limitWatts: 700, idleWatts: 122, busyFraction: .backToBack) == 700)
        for bad in [0, -0.1, 1.01, .nan, .infinity] { #expect(PowerCapping.BusyFraction(bad) == nil, "\(bad)") }
        #expect(PowerCapping.BusyFraction(1) == .backToBack)
        let limit = PowerCapping.dutyCycleLimit(limitWatts: 700, idleWatts: 122, busyFraction: PowerCapping.BusyFraction(0.95)!)
        #expect(abs(limit - (122 + 578 / 0.95)) < 1e-9)
        let t1 = 1e-4, ts = 1.2e-4
        let busy = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 720,
                                                   sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                   busyFraction: .backToBack, idleWatts: 122)
        let gaps = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 720,
                                                   sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                   busyFraction: PowerCapping.BusyFraction(0.95)!, idleWatts: 122)
        #expect(busy > t1 * 1.01)
        #expect(abs(gaps - t1) <= 1e-15, "\(gaps)")
        // A smaller idle share leaves some excess: between the two.
        let few = PowerCapping.meanSecondsPerCall(runSeconds: 0.15, unthrottledSeconds: t1, unthrottledWatts: 720,
                                                  sustainedSeconds: ts, limitWatts: 700, excessEnergy: 2,
                                                  busyFraction: PowerCapping.BusyFraction(0.99)!, idleWatts: 122)
        #expect(few > gaps && few < busy)
    }

    /// A row's `busy_fraction` (the bursts file's in-loop duty cycle) makes FA2's power-limited
    /// split-KV decode faster over its burst, leaves its back-to-back energy as it was, and a
    /// value outside (0, 1] skips the row with a reason.
    @Test func accuracyRowsCarryTheirBusyFraction() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        var fields: [String: JSONValue] = ["kind": .string("attn"), "backend": .string("flash"), "phase": .string("decode"),
                                           "B": .number(16), "Hq": .number(32), "Hkv": .number(8), "Lq": .number(1),
                                           "Lkv": .number(32768), "D": .number(128), "ms": .number(0.4983), "run_s": .number(0.15),
                                           "energy": .object(["mJ_per_call": .number(300)])]
        let full = AccuracyReport.predict(fields, machine: h200)
        fields["busy_fraction"] = .number(0.95)
        let gaps = AccuracyReport.predict(fields, machine: h200)
        let f = try #require(full.predictedMs), g = try #require(gaps.predictedMs)
        #expect(g < 0.99 * f, "busy 0.95: \(g) ms vs back to back \(f) ms")
        #expect(gaps.predictedEnergyMJ != nil && gaps.predictedEnergyMJ == full.predictedEnergyMJ)
        for bad in [0.0, 1.2, -0.5] {
            fields["busy_fraction"] = .number(bad)
            let row = AccuracyReport.predict(fields, machine: h200)
            #expect(row.predictedMs == nil && (row.skipped ?? "").contains("busy_fraction"))
        }
        fields["busy_fraction"] = .string("most")
        #expect(AccuracyReport.predict(fields, machine: h200).skipped != nil)
    }

    /// A measurement row that states a short run (`run_s`) is predicted faster than the same row
    /// predicted sustained, for FA2's power-limited split-KV decode on the H200; on the H100 (no
    /// limiter parameter) nothing changes.
    @Test func accuracyRowsCarryTheirRun() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        var fields: [String: JSONValue] = ["kind": .string("attn"), "backend": .string("flash"), "phase": .string("decode"),
                                           "B": .number(16), "Hq": .number(32), "Hkv": .number(8), "Lq": .number(1),
                                           "Lkv": .number(8192), "D": .number(128), "ms": .number(0.1338)]
        let sustained = AccuracyReport.predict(fields, machine: h200)
        fields["run_s"] = .number(0.15)
        let burst = AccuracyReport.predict(fields, machine: h200)
        let s = try #require(sustained.predictedMs), b = try #require(burst.predictedMs)
        #expect(b < 0.995 * s, "burst \(b) ms vs sustained \(s) ms")
        // Measured 2026-12-02: 0.1338 ms in the burst, 0.1463 ms sustained (the model: 0.142 and
        // 0.144 since the voltage's fall with the clock, 0.151 and 0.156 before: it still throttles
        // this shape early in the burst and too little when sustained).
        #expect(abs(b - 0.1338) / 0.1338 < 0.15)
        #expect(abs(s - 0.1463) / 0.1463 < 0.10)
        let h100 = try Fixtures.machine("nvidia-h100-sxm")
        #expect(AccuracyReport.predict(fields, machine: h100).predictedMs == AccuracyReport.predict(
            fields.filter { $0.key != "run_s" }, machine: h100).predictedMs)
    }

    /// The decode bursts file (150 ms from rest) within the bar; it was 19.8% before the two mechanisms.
    @Test func decodeBurstsFileImproves() throws {
        let report = try AccuracyReport.run(path: Self.results + "h200-decode-bursts-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let flash = try #require(report.groups.first { $0.name == "decode/flash" })
        // 10.7% with the limiter's start alone; the rows' in-loop busy fractions bring it to 6.3%.
        #expect((flash.latencyMedianAPE ?? 100) <= 8, "decode/flash \(flash.latencyMedianAPE ?? -1)%")
        #expect(report.rows.filter { $0.group == "decode/flash" }.allSatisfy { $0.input["busy_fraction"]?.number != nil })
    }
}
