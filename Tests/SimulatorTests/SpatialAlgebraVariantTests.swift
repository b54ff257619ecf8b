import Einsim
import Foundation
import Testing

/// Linear attention, SLA, mixture of heads, operand precisions and predictor passes on spatial
/// arrays and NPUs: each mapped from its cascade (``SpatialPassMapper`` for the non-softmax
/// passes), under both engines.
struct SpatialAlgebraVariantTests {
    static let targets = ["fusemax", "flat", "flat-edge", "tpu-like-npu"]
    static let variants = ["linear", "sla:critical=0.05,marginal=0.1", "moh:active=0.5", "precision:qk=int8,pv=int8",
                           "precision:qk=fp8,pv=fp8", "block-sparse:density=0.2,block=128,predictor=antidiagonal",
                           "top-k:keep=4,block=128", "mla"]
    static let shape = AttentionShape(batch: 2, heads: 12, qLen: 4096, headDim: 64)

    static func run(_ variant: String, _ hardware: String, _ shape: AttentionShape = shape,
                    engine: EngineChoice = .roofline) throws -> SimulationResult {
        try Experiment.$engine.withValue(engine) {
            try Experiment.simulateVariantOnTarget(try VariantSpec.parse(variant), shape: shape, profile: try ProfileResolver.load(hardware))
        }
    }

    @Test(arguments: targets)
    func everyVariantRunsWithBothEnginesAboveItsBound(hardware: String) throws {
        for v in Self.variants {
            let r = try Self.run(v, hardware)
            #expect(r.latencySeconds.isFinite && r.latencySeconds > 0, "\(v)")
            #expect(r.latencySeconds >= r.rooflineSeconds * (1 - 1e-9), "\(v) on \(hardware): \(r.percentOfRoofline)% of roofline")
            #expect(r.energyJoules >= r.staticJoules + r.dramBytes * 0 && r.dynamicJoules > 0, "\(v)")
            for (_, u) in r.utilization { #expect(u >= 0 && u <= 1 + 1e-9, "\(v)") }
            let c = try Self.run(v, hardware, engine: .cycle)
            #expect(c.engine == "cycle", "\(v)")
            // Throughput-bound shapes: the schedule agrees with the roofline engine within 5%.
            #expect(abs(c.latencySeconds / r.latencySeconds - 1) < 0.05, "\(v) on \(hardware): cycle \(c.latencySeconds) vs \(r.latencySeconds)")
            #expect(abs(c.dynamicJoules / r.dynamicJoules - 1) < 1e-9, "\(v): same work, same dynamic energy")
        }
    }

    @Test(arguments: ["fusemax", "tpu-like-npu"])
    func linearAttentionGrowsLinearlyWhileSoftmaxGrowsQuadratically(hardware: String) throws {
        func shape(_ n: Int) -> AttentionShape { AttentionShape(batch: 4, heads: 12, qLen: n, headDim: 64) }
        let l8 = try Self.run("linear", hardware, shape(8192)).latencySeconds, l32 = try Self.run("linear", hardware, shape(32768)).latencySeconds
        let d8 = try Self.run("dense", hardware, shape(8192)).latencySeconds, d32 = try Self.run("dense", hardware, shape(32768)).latencySeconds
        #expect(l32 / l8 > 3.6 && l32 / l8 < 4.4, "linear: \(l32 / l8)")
        #expect(d32 / d8 > 12, "softmax: \(d32 / d8)")
        #expect(l32 < d32 / 10)
        // Decode: the state update does not grow with the context.
        let dec1 = try Self.run("linear", hardware, AttentionShape(batch: 8, heads: 12, qLen: 1, kvLen: 4096, headDim: 64))
        let dec2 = try Self.run("linear", hardware, AttentionShape(batch: 8, heads: 12, qLen: 1, kvLen: 65536, headDim: 64))
        #expect(dec1.latencySeconds == dec2.latencySeconds)
    }

    @Test func mixtureOfHeadsRunsTheRoutedHeads() throws {
        let dense = try Self.run("dense", "fusemax"), half = try Self.run("moh:active=0.5", "fusemax")
        #expect(abs(half.flops / dense.flops - 0.5) < 1e-9)
        #expect(abs(half.latencySeconds / dense.latencySeconds - 0.5) < 0.02, "\(half.latencySeconds / dense.latencySeconds)")
        #expect(half.loopNest.contains("6 of 12 heads"))
        // Grouped KV heads: every KV head keeps a query head, so K and V are still all read.
        let gqa = AttentionShape(batch: 2, heads: 32, kvHeads: 8, qLen: 1, kvLen: 16384, headDim: 128)
        let all = try Self.run("dense", "tpu-like-npu", gqa), routed = try Self.run("moh:active=0.1", "tpu-like-npu", gqa)
        #expect(routed.loopNest.contains("8 of 32 heads"), "\(routed.loopNest.prefix(200))")
        #expect(routed.dramBytes > 0.9 * all.dramBytes)
    }

    /// Operand precisions run on each unit's path for them: the NPU states an int8 path at twice
    /// the 16-bit rate, FuseMax only fp16 (int8 runs there at the fp16 rate, stored in one byte).
    @Test func operandPrecisionsUseTheProfilesMatrixPaths() throws {
        let decode = AttentionShape(batch: 16, heads: 12, qLen: 1, kvLen: 16384, headDim: 64)
        for hardware in ["tpu-like-npu", "fusemax"] {
            let dense = try Self.run("dense", hardware, decode), int8 = try Self.run("precision:qk=int8,pv=int8", hardware, decode)
            // K and V stored at one byte: the DRAM traffic (almost all K/V in decode) halves.
            #expect(int8.dramBytes < 0.55 * dense.dramBytes && int8.dramBytes > 0.45 * dense.dramBytes, "\(hardware)")
            #expect(int8.latencySeconds < dense.latencySeconds, "\(hardware)")
            #expect(!int8.loopNest.contains("quantize Q"), "decode reads a cache stored at its precision")
        }
        let npu = try Self.run("precision:qk=int8,pv=int8", "tpu-like-npu"), fm = try Self.run("precision:qk=int8,pv=int8", "fusemax")
        #expect(npu.loopNest.contains("on the int8 matrix path"))
        #expect(fm.loopNest.contains("on the fp16 matrix path"))
        // Prefill quantizes Q, K and V first: three passes before the attention.
        #expect(npu.kernels.filter { $0.name.hasPrefix("quantize") }.count == 3)
        let npuDense = try Self.run("dense", "tpu-like-npu")
        let qk = { (r: SimulationResult) in r.einsums.filter { $0.name == "BQK" }.reduce(0.0) { $0 + $1.seconds } }
        #expect(abs(qk(npu) / qk(npuDense) - 0.5) < 0.01, "int8 scores at twice the rate: \(qk(npu) / qk(npuDense))")
        let fmDense = try Self.run("dense", "fusemax")
        #expect(abs(qk(fm) / qk(fmDense) - 1) < 1e-9, "no int8 path on FuseMax")
    }

    @Test func slaAddsItsLinearPartToTheCriticalBlocks() throws {
        let sla = try Self.run("sla:critical=0.05,marginal=0.1", "fusemax")
        let none = try Self.run("sla:critical=0.05,marginal=0", "fusemax")
        #expect(sla.kernels.contains { $0.name.contains("SLA marginal") })
        #expect(!none.kernels.contains { $0.name.contains("SLA marginal") })
        #expect(sla.latencySeconds > none.latencySeconds && sla.energyJoules > none.energyJoules)
        #expect(sla.latencySeconds < 0.5 * (try Self.run("dense", "fusemax")).latencySeconds)
    }

    @Test func predictorPassesAreMappedAndTraced() throws {
        let r = try Self.run("block-sparse:density=0.2,block=128,predictor=antidiagonal", "fusemax", engine: .cycle)
        #expect(r.kernels.filter { $0.name.hasPrefix("predictor antidiagonal pass") }.count >= 2)
        #expect(r.einsums.contains { $0.name.contains("A") && $0.unit == "pe-2d" || $0.unit == "pe-1d" })
        let names = Set(r.trace?.events.map { $0.name.components(separatedBy: ":").first ?? "" } ?? [])
        #expect(names.contains("predictor antidiagonal pass 1") && names.contains("group 1"), "\(names.sorted().prefix(8))")
        // The predictor's events come before the attention's.
        let firstGroup = r.trace?.events.filter { $0.name.hasPrefix("group 1") }.map(\.startSeconds).min() ?? 0
        let lastPredictor = r.trace?.events.filter { $0.name.hasPrefix("predictor antidiagonal") }.map(\.startSeconds).max() ?? 1
        #expect(lastPredictor <= firstGroup)
    }

    @Test func layoutFillsTheArrayFromTheRanks() throws {
        let machine = try Machine(profile: try ProfileResolver.load("fusemax"), precision: .fp16)
        let array = try #require(machine.units.first { $0.name == "pe-2d" }), vector = try #require(machine.units.first { $0.name == "pe-1d" })
        #expect(array.rows == 256 && array.columns == 256 && vector.rows == 256)
        func einsum(_ ranks: [(String, Int)]) -> SpatialPass.Einsum {
            SpatialPass.Einsum(name: "E", operations: OperationCounts(), ranks: ranks.map(\.0), extents: ranks.map(\.1),
                               inputBytes: 0, outputBytes: 0, matrixPrecision: nil, location: nil)
        }
        let small = SpatialPassMapper.layout(einsum([("e", 64), ("f", 64)]), on: array)
        #expect(abs(small.util - 1.0 / 16) < 1e-12)
        let full = SpatialPassMapper.layout(einsum([("h", 12), ("f", 64), ("p0", 128), ("e", 64)]), on: array)
        #expect(full.util == 1, "\(full)")
        let ragged = SpatialPassMapper.layout(einsum([("t", 300)]), on: vector)
        #expect(abs(ragged.util - 300.0 / 512) < 1e-12)
    }

    @Test func endToEndTakesTheVariantsAttention() throws {
        let profile = try ProfileResolver.load("fusemax"), bert = try ModelPreset.named("bert")
        func run(_ variant: String?) throws -> EndToEndResult {
            try EndToEnd.simulateOnTarget(model: bert, phase: .prefill, seq: 4096, batch: 1, mapping: "auto", profile: profile,
                                          variant: try variant.map { try VariantSpec.parse($0) })
        }
        let dense = try run(nil), linear = try run("linear")
        #expect(linear.attentionSeconds < dense.attentionSeconds / 3)
        #expect(abs((linear.result.latencySeconds - linear.attentionSeconds) - (dense.result.latencySeconds - dense.attentionSeconds))
                < 1e-9 * dense.result.latencySeconds, "the GEMMs are the same")
    }
}
