import Einsim
import Testing

/// Published sparse-attention shapes on the H100 profile (gpus.md, NATTEN docs; Double Sparsity).
@Suite struct VariantPublishedShapeTests {
    /// NATTEN 1-D: 32K tokens, d = 128, window (kernel size) 2048 = 1/16 of the keys; one head so
    /// the dense cuDNN time is near the published 787 µs. Dense on cuDNN, sparse on FlexAttention.
    static let natten = AttentionShape(batch: 1, heads: 1, qLen: 32768, headDim: 128)

    func speedup(_ spec: String) throws -> Double {
        let m = try Fixtures.machine()
        let dense = try Experiment.simulateVariant(VariantSpec.parse("dense"), shape: Self.natten, preset: .cudnn, machine: m)
        let sparse = try Experiment.simulateVariant(VariantSpec.parse(spec), shape: Self.natten, preset: .flex, machine: m)
        return dense.latencySeconds / sparse.latencySeconds
    }

    @Test func denseNearPublished() throws {
        let dense = try Fixtures.simulate(Self.natten, .cudnn)
        // Published 787 us (NATTEN docs: another H100 and cuDNN version); the shared H100 file
        // measured 27.59 ms for 32 such heads, 862 us per head, power-capped (701.7 W at 1650 MHz
        // on B4 H32 L4096): the model, calibrated on that H100, sits between.
        #expect(relativeDifference(dense.latencySeconds, 787e-6) < 0.2)
        #expect(relativeDifference(dense.latencySeconds, 862e-6) < 0.1)
    }

    @Test func nattenNeighborhood() throws {
        let s = try speedup("neighborhood:window=2048")
        #expect(relativeDifference(s, 8.3) <= 0.30, "neighborhood \(s)x")
    }

    @Test func nattenStrided() throws {
        let s = try speedup("neighborhood:window=2048,stride=256")
        #expect(relativeDifference(s, 12.6) <= 0.30, "strided \(s)x")
    }

    @Test func nattenBlocked() throws {
        // The bar is "about 8-13x, within ±30%". Against NATTEN's own blocked figure (13.3x)
        // this is −30.2%: the calibrated FlexAttention tile rate is 64% of cuDNN's, while NATTEN's
        // blocked kernel runs at about cuDNN's rate (with kernel=cudnn for both sides: 13.9x).
        let s = try speedup("neighborhood:window=2048,stride=2048")
        #expect(s >= 8 * 0.7 && s <= 13 * 1.3, "blocked \(s)x")
        #expect(s >= (try speedup("neighborhood:window=2048")))
    }

    @Test func doubleSparsityDecodeBoundedByGather() throws {
        let m = try Fixtures.machine()
        let shape = AttentionShape(batch: 16, heads: 32, kvHeads: 8, qLen: 1, kvLen: 32768, headDim: 128)
        let dense = try Experiment.simulateVariant(VariantSpec.parse("dense"), shape: shape, preset: .fa2, machine: m)
        let tokens = try Experiment.simulateVariant(VariantSpec.parse("double-sparsity:tokens=0.0625,channels=0.0625"),
                                                    shape: shape, preset: .fa2, machine: m)
        let pages = try Experiment.simulateVariant(VariantSpec.parse("double-sparsity:tokens=0.0625,channels=0.0625,page=16"),
                                                   shape: shape, preset: .fa2, machine: m)
        let s = dense.latencySeconds / tokens.latencySeconds
        #expect(s > 4 && s < 16, "double sparsity \(s)x")
        // Token gathers pay sector rounding and per-chunk overhead; whole pages stream better.
        #expect(pages.latencySeconds < tokens.latencySeconds)
    }
}
