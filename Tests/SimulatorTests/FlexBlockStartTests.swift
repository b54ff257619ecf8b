import Foundation
@testable import Einsim
import Mapper
import Testing

/// FlexAttention's block-sparse kernel at low density (H200, 2026-12-02, Calibration/flex_round4.py,
/// results/h200-flex-static-2026-12-02.jsonl): its time is a fixed part per thread block plus a
/// part in proportion to the kept tiles. The fixed part is the block's start (its first tiles'
/// two dependent DRAM round trips), exposed because an 8-warp block holds its SM alone and Triton's
/// kernel does not prefetch the next block's tiles.
@Suite struct FlexBlockStartTests {
    static func shape(density: Double, heads: Int = 32, length: Int = 8192, headDim: Int = 128) -> AttentionShape {
        AttentionShape(batch: 1, heads: heads, kvHeads: heads, qLen: length, kvLen: length, headDim: headDim, causal: false,
                       mask: .blockSparse(density: density, block: 128, keepDiagonal: false))
    }

    /// Measured B1 H32 8192² d128 (2048 blocks of 128 rows, 15.5 waves): 0.202, 0.380, 0.910, 2.730 ms
    /// at densities 0.046, 0.114, 0.31, 1.0: a fixed 0.085 ms and 2.63 ms per unit density.
    /// The model's intercept and slope from its own predictions at the lowest and highest density.
    @Test func lowDensityKeepsAFixedPartPerBlock() throws {
        let low = try Fixtures.simulate(Self.shape(density: 0.046), .flex, on: "nvidia-h200-sxm").latencySeconds * 1e3
        let high = try Fixtures.simulate(Self.shape(density: 1.0), .flex, on: "nvidia-h200-sxm").latencySeconds * 1e3
        let slope = (high - low) / (1.0 - 0.046)
        let intercept = low - 0.046 * slope
        #expect(abs(slope - 2.63) / 2.63 < 0.05, "slope \(slope) ms per unit density")
        #expect(intercept > 0.065 && intercept < 0.105, "fixed part \(intercept) ms (measured 0.085)")
        #expect(abs(low - 0.202) / 0.202 < 0.06, "density 0.046: \(low) ms, measured 0.202")
    }

    /// The exposed start belongs to kernels whose block holds the SM alone and does not prefetch:
    /// a profile without DRAM latency loses exactly it, and the persistent cuDNN kernel
    /// (prefetching) does not carry it.
    @Test func onlyLoneNonPrefetchingBlocksWaitAtTheirStart() throws {
        var machine = try Fixtures.machine("nvidia-h200-sxm")
        // Unthrottled: under the power limit an exposed wait lowers the average power and the
        // clock it buys back hides part of it (the starts themselves are what this test checks).
        machine.limitWatts = 1e6
        let shape = Self.shape(density: 0.05)
        let waves = (2048.0 / Double(machine.processors)).rounded(.up)
        let latency = machine.dramLatency
        let flexWith = try Experiment.simulateAttention(shape: shape, preset: .flex, machine: machine).latencySeconds
        let cudnnWith = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: machine).latencySeconds
        machine.dramLatency = 0
        let flexWithout = try Experiment.simulateAttention(shape: shape, preset: .flex, machine: machine).latencySeconds
        let cudnnWithout = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: machine).latencySeconds
        // At least (waves − 1) block starts of two round trips each (the first is the kernel's own).
        let starts = (waves - 1) * 2 * latency
        // (The mapper may re-choose the mapping once the latency is gone, so not all of it shows.)
        #expect(flexWith - flexWithout > 0.5 * starts, "flex: \(flexWith - flexWithout) s vs \(starts) s of block starts")
        // cuDNN's persistent kernel prefetches: only its kernel start and its streams see the latency.
        #expect(cudnnWith - cudnnWithout < 0.5 * (flexWith - flexWithout), "cudnn: \(cudnnWith - cudnnWithout) s")
        #expect(KernelPreset.cudnn.traits(headDim: 128).prefetchesNextBlock)
        #expect(KernelPreset.fa3.traits(headDim: 128).prefetchesNextBlock)
        #expect(!KernelPreset.flex.traits(headDim: 128).prefetchesNextBlock)
    }

    /// Rows compiled with dynamic shapes are a different kernel: skipped with the reason.
    @Test func dynamicCompilesAreSkipped() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        var fields: [String: JSONValue] = ["kind": .string("attn"), "backend": .string("flex"), "phase": .string("blocksparse_random"),
                                           "B": .number(2), "Hq": .number(16), "Hkv": .number(16), "Lq": .number(16384),
                                           "Lkv": .number(16384), "D": .number(128), "density": .number(0.248), "block": .number(128),
                                           "ms": .number(3.3807), "compile": .string("dynamic")]
        let dynamic = AccuracyReport.predict(fields, machine: h200)
        #expect(dynamic.predictedMs == nil && (dynamic.skipped ?? "").contains("dynamic=False"))
        fields["compile"] = .number(1)
        #expect((AccuracyReport.predict(fields, machine: h200).skipped ?? "").contains("must be a string"))
        fields["compile"] = .string("static"); fields["ms"] = .number(2.7217)
        let stat = AccuracyReport.predict(fields, machine: h200)
        let p = try #require(stat.predictedMs)
        #expect(abs(p - 2.7217) / 2.7217 < 0.05, "static compile: \(p) ms, measured 2.7217")
    }

    /// The static FlexAttention file within the bar at d = 128 (d = 64 stays a known miss).
    @Test func staticFlexFileAtHeadDim128() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-flex-static-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let d128 = report.rows.filter { $0.input["D"]?.number == 128 }
        let errors = d128.compactMap { $0.latencyAPE.map { $0 / 100 } }
        #expect(errors.count == 13)
        #expect(errors.allSatisfy { $0 < 0.08 }, "d128 errors \(errors)")
    }
}
