import Einsim
import Mapper
import Simulator
import Testing
import Workloads

/// Changed algebra through its cascades: linear, sparse-linear, MLA, GQA/MQA, mixture-of-heads.
@Suite struct AlgebraCascadeTests {
    func plan(_ shape: AttentionShape, _ spec: String) throws -> AttentionPlan {
        try AttentionPlanner.plan(shape: shape, variant: try VariantSpec.parse(spec), preset: .fa3, machine: try Fixtures.machine())
    }

    @Test func linearAttentionFLOPsAndTimeGrowLinearly() throws {
        let e = 128.0, block = 128.0
        var times: [Double] = []
        for seq in [65536, 131072, 262144] {
            let shape = AttentionShape(batch: 1, heads: 32, qLen: seq, headDim: 128)
            let p = try plan(shape, "linear:block=128")
            let m = Double(seq)
            let macs = 32 * (m * block * 2 * e + 2 * m * e * e)
            #expect(relativeDifference(p.flops, 2 * macs) < 1e-9, "seq: \(seq)")
            times.append(try AttentionPlanner.simulate(shape: shape, variant: try VariantSpec.parse("linear"), preset: .fa3,
                                                       machine: try Fixtures.machine()).result.latencySeconds)
        }
        #expect(abs(times[1] / times[0] - 2) < 0.1 && abs(times[2] / times[1] - 2) < 0.1)
        // Decode: constant per token whatever the context.
        let short = try plan(AttentionShape(batch: 1, heads: 32, qLen: 1, kvLen: 4096, headDim: 128), "linear")
        let long = try plan(AttentionShape(batch: 1, heads: 32, qLen: 1, kvLen: 1 << 20, headDim: 128), "linear")
        #expect(short.compulsoryBytes == long.compulsoryBytes && short.flops == long.flops)
    }

    @Test func mlaDecodeReadsTheLatentCache() throws {
        let mha = AttentionShape(batch: 4, heads: 128, qLen: 1, kvLen: 32768, headDim: 192, valueDim: 128)
        let dense = try plan(mha, "dense")
        let mla = try plan(mha, "mla")
        // Latent cache: 4 · 32768 · (512 + 64) bf16 elements, shared by the 128 heads.
        let cache = 4.0 * 32768 * 576 * 2
        #expect(mla.compulsoryBytes > cache && mla.compulsoryBytes < cache * 1.01)
        #expect(mla.compulsoryBytes * 50 < dense.compulsoryBytes)
        #expect(mla.shape.kvHeads == 1 && mla.shape.headDim == 576)
        // MACs: per head per key 512 + 64 (scores) + 512 (values).
        #expect(relativeDifference(mla.flops, 2 * 4 * 128 * 32768 * 1088) < 1e-9)
    }

    @Test func mqaReadsOneKVHead() throws {
        let mha = AttentionShape(batch: 1, heads: 32, qLen: 1, kvLen: 16384, headDim: 128)
        let mqa = AttentionShape(batch: 1, heads: 32, kvHeads: 1, qLen: 1, kvLen: 16384, headDim: 128)
        let a = try plan(mha, "dense"), b = try plan(mqa, "dense")
        #expect(a.flops == b.flops)
        #expect(relativeDifference(b.compulsoryBytes, (32 * 128 * 2 + 16384 * 256) * 2) < 1e-12)
        #expect(b.compulsoryBytes * 20 < a.compulsoryBytes)
    }

    @Test func mixtureOfHeadsAndSLAReduceWork() throws {
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 8192, headDim: 128)
        let dense = try plan(shape, "dense")
        let moh = try plan(shape, "moh:active=0.75")
        #expect(relativeDifference(moh.flops, 0.75 * dense.flops) < 1e-12)
        let sla = try plan(shape, "sla:critical=0.05,marginal=0.1")
        #expect(sla.flops < 0.2 * dense.flops && sla.kernels.count == 2)
    }
}
