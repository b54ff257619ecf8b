import Einsim
import Testing

/// Predictor cascades: op counts against closed forms, and their kernels ahead of the attention.
@Suite struct VariantPredictorTests {
    static let shape = AttentionShape(batch: 1, heads: 8, kvHeads: 2, qLen: 4096, headDim: 128)

    @Test func blockMeanCountsMatchClosedForm() throws {
        let c = try PredictorResolver.operationCounts("block-mean", shape: Self.shape, block: 128)
        let h = 8.0, e = 128.0, p = 4096.0, blocks = 32.0
        let macs: Double = h * e * blocks * blocks          // pooled QK map
        let adds: Double = h * e * (p + p)                  // block sums of Q and K
        let maxes: Double = h * 2 * blocks * blocks         // k-th threshold + compare
        #expect(c[.matrixMAC] == macs)
        #expect(c[.vectorAdd] == adds)
        #expect(c[.vectorMax] == maxes)
    }

    @Test func antidiagonalSamplesOneInStride() throws {
        let c = try PredictorResolver.operationCounts("antidiagonal", shape: Self.shape, block: 128)
        // (P/S) x (M/S) map with S·E contraction = P·M·E/S MACs; one exp per sampled entry.
        let macs: Double = 8.0 * 4096.0 * 4096.0 * 128.0 / 8.0
        let exps: Double = 8.0 * 512.0 * 512.0
        #expect(c[.matrixMAC] == macs)
        #expect(c[.specialFunction] == exps)
    }

    @Test func channelScoringReadsRofDChannels() throws {
        var decode = AttentionShape(batch: 2, heads: 32, kvHeads: 8, qLen: 1, kvLen: 16384, headDim: 128)
        let spec = try VariantSpec.parse("double-sparsity:tokens=0.0625,channels=0.0625")
        decode.mask = spec.mask
        guard case let .pattern(p) = spec.mask else { Issue.record("not a pattern"); return }
        let c = try PredictorResolver.operationCounts("channel", shape: decode, block: 128, pattern: p)
        let macs: Double = 2.0 * 32.0 * 16384.0 * 8.0      // r = d/16 = 8 channels per token
        let maxes: Double = 2.0 * 2.0 * 32.0 * 16384.0
        #expect(c[.matrixMAC] == macs)
        #expect(c[.vectorMax] == maxes)
    }

    @Test("every shipped predictor parses, binds and costs", arguments: PredictorCatalog.entries.map(\.name))
    func everyPredictorCosts(name: String) throws {
        let passes = try PredictorResolver.passes(name, shape: Self.shape, block: 128)
        #expect(!passes.isEmpty)
        #expect(passes.allSatisfy { $0.dramBytes > 0 })
        let spec = try VariantSpec.parse("block-sparse:density=0.2,block=128,predictor=\(name)")
        let r = try Experiment.simulateVariant(spec, shape: Self.shape, preset: .fa3, machine: Fixtures.machine())
        #expect(r.predictorShare > 0 && r.predictorShare < 1, "\(name)")
        #expect(r.kernels.first?.name.hasPrefix(RooflineEngine.predictorKernelPrefix) == true)
    }

    @Test func unknownPredictorSuggests() {
        #expect(throws: (any Error).self) { try VariantSpec.parse("top-k:keep=4,predictor=block-maen") }
        let message = (try? VariantSpec.parse("top-k:keep=4,predictor=block-maen")).map { _ in "" } ?? {
            do { _ = try VariantSpec.parse("top-k:keep=4,predictor=block-maen"); return "" } catch { return "\(error)" }
        }()
        #expect(message.contains("block-mean"))
    }
}
