import Einsim
import Mapper
import Simulator
import Testing
import Workloads

/// Transformer blocks and end-to-end runs: closed-form FLOPs, attention inside the block,
/// layers × steps.
@Suite struct EndToEndBlockTests {
    static func gemmFLOPs(_ ops: [BlockOperation]) -> Double { ops.reduce(0) { $0 + $1.gemmFLOPs } }

    @Test func llama3BlockGEMMFLOPsMatchTheClosedForm() throws {
        let m = try ModelPreset.named("llama-3-8b")
        let tokens = 4096.0, d = 4096.0, ffn = 14336.0, qDims = 32.0 * 128, kvDims = 8.0 * 128
        let ops = TransformerBlock.operations(model: m, phase: .prefill, seq: 4096, batch: 1)
        let expected = 2 * tokens * (d * (qDims + 2 * kvDims) + d * d + 3 * d * ffn)
        #expect(relativeDifference(Self.gemmFLOPs(ops), expected) < 1e-12)
        #expect(ops.filter { if case .selfAttention = $0.work { return true }; return false }.count == 1)
    }

    @Test func geluAndMLABlocksMatchTheirClosedForms() throws {
        let gpt = try ModelPreset.named("gpt-3-175b")
        let t = 2048.0, d = 12288.0
        let ops = TransformerBlock.operations(model: gpt, phase: .prefill, seq: 2048, batch: 1)
        #expect(relativeDifference(Self.gemmFLOPs(ops), 2 * t * (3 * d * d + d * d + 2 * d * 4 * d)) < 1e-12)

        let ds = try ModelPreset.named("deepseek-v3")
        let dd = 7168.0, h = 128.0
        let decode = TransformerBlock.operations(model: ds, phase: .decode, seq: 4096, batch: 1)
        // Materialized K/V: q down/up, kv down (576), kv up (128·256), out (128·128 → d), SwiGLU 18432.
        let perToken = dd * 1536 + 1536 * h * 192 + dd * 576 + 512 * h * 256 + h * 128 * dd + 3 * dd * 18432
        #expect(relativeDifference(Self.gemmFLOPs(decode), 2 * perToken) < 1e-12)
        let absorbed = TransformerBlock.operations(model: ds, phase: .decode, seq: 4096, batch: 1, options: BlockOptions(absorbLatent: true))
        let absorbedPerToken = perToken - 512 * h * 256 + h * 128 * 512 + h * 512 * 128
        #expect(relativeDifference(Self.gemmFLOPs(absorbed), 2 * absorbedPerToken) < 1e-12)
    }

    @Test func endToEndIsAtLeastAttentionAndScalesWithLayersAndSteps() throws {
        let machine = try Fixtures.machine()
        let model = try ModelPreset.named("llama-3-8b")
        let dense = try VariantSpec.parse("dense")
        let e2e = try EndToEnd.simulate(model: model, phase: .prefill, seq: 4096, batch: 1, variant: dense, preset: .fa3, machine: machine)
        let attention = try AttentionPlanner.simulate(shape: model.attentionShape(phase: .prefill, seq: 4096, batch: 1),
                                                      variant: dense, preset: .fa3, machine: machine).result
        #expect(e2e.result.latencySeconds >= Double(model.layers) * attention.latencySeconds * 0.9)
        #expect(e2e.attentionShare > 0 && e2e.attentionShare < 1)
        #expect(relativeDifference(e2e.result.latencySeconds, Double(model.layers) * e2e.block.latencySeconds) < 1e-12)
        let twice = try EndToEnd.simulate(model: model, phase: .prefill, seq: 4096, batch: 1, steps: 2, variant: dense, preset: .fa3, machine: machine)
        #expect(relativeDifference(twice.result.latencySeconds, 2 * e2e.result.latencySeconds) < 1e-12)
        #expect(relativeDifference(twice.result.energyJoules, 2 * e2e.result.energyJoules) < 1e-12)
    }

    @Test func blockSparseVideoDiTSpeedsUpEndToEndLessThanAttention() throws {
        // RainFusion 2.0 setting: Wan2.1-1.3B, 32,760 tokens, 80% block sparsity, flex kernel.
        let machine = try Fixtures.machine()
        let wan = try ModelPreset.named("wan2.1-1.3b")
        let dense = try EndToEnd.simulate(model: wan, phase: .prefill, seq: 32760, batch: 1, variant: try VariantSpec.parse("dense"),
                                          preset: .flex, machine: machine)
        let sparse = try EndToEnd.simulate(model: wan, phase: .prefill, seq: 32760, batch: 1,
                                           variant: try VariantSpec.parse("block-sparse:density=0.2,block=128"), preset: .flex, machine: machine)
        let speedup = dense.result.latencySeconds / sparse.result.latencySeconds
        let attentionSpeedup = dense.attentionSeconds / sparse.attentionSeconds
        #expect(speedup > 1.2 && speedup < attentionSpeedup)
        #expect(dense.attentionShare > 0.5)  // attention dominates a 32K-token video DiT
    }
}

/// RainFusion 2.0's published shape: 80% block sparsity with a block-mean predictor and a
/// first-frame sink on Wan2.1-1.3B gives 1.5-1.8x end to end (dense baseline on a FlashAttention-
/// class kernel, sparse on a block-sparse Triton kernel).
@Suite struct RainFusionShapeTests {
    @Test func endToEndSpeedupWithinThirtyPercentOfPublished() throws {
        let machine = try Fixtures.machine()
        let wan = try ModelPreset.named("wan2.1-1.3b")
        let dense = try EndToEnd.simulate(model: wan, phase: .prefill, seq: 32760, batch: 1, steps: 50,
                                          variant: try VariantSpec.parse("dense"), preset: .cudnn, machine: machine)
        let spec = try VariantSpec.parse("top-k:keep=51,block=128,predictor=block-mean,sink=1560,kernel=flex")
        let sparse = try EndToEnd.simulate(model: wan, phase: .prefill, seq: 32760, batch: 1, steps: 50,
                                           variant: spec, preset: try spec.kernelPreset(default: .cudnn), machine: machine)
        let speedup = dense.result.latencySeconds / sparse.result.latencySeconds
        #expect(speedup >= 1.5 / 1.3 && speedup <= 1.8 * 1.3, "speedup \(speedup)")
        #expect(sparse.result.predictorShare > 0)
    }
}
