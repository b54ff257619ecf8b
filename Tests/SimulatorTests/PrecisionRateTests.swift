import Einsim
import Mapper
import Simulator
import Testing
import Workloads

/// Per-precision matrix rates and energies, low-precision attention and quantized KV caches.
@Suite struct PrecisionRateTests {
    @Test func bf16RatesAreTheResolvedOnesAndLowerPrecisionsUseTheProfile() throws {
        let m = try Fixtures.machine()
        for path in m.matrixRate.keys.sorted() {
            #expect(m.matrixRate(precision: .bf16, path: path) == m.matrixRate(path: path))
            #expect(m.energyPerMAC(precision: .bf16, path: path) == m.energyPerMAC(path: path))
        }
        // The profile's fp8 wgmma rate: 4096 MAC/cycle at its achieved fraction.
        let fp8 = try #require(ProfileResolver.load("nvidia-h100-sxm").computeUnits.first { $0.kind == .matrix }?.throughput.first { $0.precision == .fp8 && $0.path == "wgmma" })
        #expect(relativeDifference(m.matrixRate(precision: .fp8, path: "wgmma"), 4096 * fp8.achievedFraction) < 1e-12)
        // No int4 tensor-core path on H100: int4 runs at the int8 rate.
        #expect(m.matrixRate(precision: .int4, path: "wgmma") == m.matrixRate(precision: .int8, path: "wgmma"))
        // mma.sync lists no fp8: its bf16 rate scaled by fp8's best-path speedup over bf16.
        let scaled = m.matrixRate(path: "mma.sync") * m.matrixRate(precision: .fp8, path: "wgmma") / m.matrixRate(path: "wgmma")
        #expect(relativeDifference(m.matrixRate(precision: .fp8, path: "mma.sync"), scaled) < 1e-12)
        #expect(m.energyPerMAC(precision: .fp8, path: "wgmma") < m.energyPerMAC(path: "wgmma"))
        let same = m.attentionView(qk: .bf16, pv: .bf16, headDim: 128, valueDim: 128)
        #expect(same.matrixRate == m.matrixRate)
    }

    @Test func int4AndFP8AttentionAreFasterWhereComputeBound() throws {
        let m = try Fixtures.machine()
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 16384, headDim: 128)
        func latency(_ spec: String) throws -> Double {
            try AttentionPlanner.simulate(shape: shape, variant: try VariantSpec.parse(spec), preset: .fa3, machine: m).result.latencySeconds
        }
        let bf16 = try latency("dense"), fp8 = try latency("precision:qk=fp8,pv=fp8"), sage = try latency("precision:qk=int4,pv=fp8")
        #expect(fp8 < bf16 && sage < bf16)
        // The plan with bf16 precisions is the softmax kernel itself.
        let plain = try Experiment.simulateAttention(shape: shape, preset: .fa3, machine: m)
        #expect(relativeDifference(try latency("dense"), plain.latencySeconds) < 1e-9)
    }

    @Test func kvCacheQuantizationCutsDecodeBytesByTheBitRatio() throws {
        let m = try Fixtures.machine()
        let shape = AttentionShape(batch: 8, heads: 32, kvHeads: 8, qLen: 1, kvLen: 32768, headDim: 128)
        func bytes(_ spec: String) throws -> Double {
            try AttentionPlanner.simulate(shape: shape, variant: try VariantSpec.parse(spec), preset: .fa2, machine: m).result.dramBytes
        }
        let dense = try bytes("dense")
        for bits in [8, 4, 2] {
            let q = try bytes("kv-cache:bits=\(bits)")
            let expected = (Double(bits) / 8 + 4.0 / 128) / 2  // value bits + fp16 scale and zero per 128
            #expect(relativeDifference(q / dense, expected) < 0.01, "bits: \(bits)")
        }
    }
}
