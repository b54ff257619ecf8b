import Einsim
import Testing

/// Costs come from the cascades: the IR-derived per-score work of Cascade 5 equals its closed form,
/// and multi-pass cascades become one kernel per pass with DRAM round trips.
@Suite struct CascadeCostTests {
    @Test(arguments: [(4096, 128, 64), (1 << 20, 128, 128), (1000, 64, 32), (32768, 256, 80)])
    func onePassCostsMatchTheClosedForm(m: Int, d: Int, m0: Int) throws {
        let shape = AttentionShape(batch: 2, heads: 4, qLen: 512, kvLen: m, headDim: d)
        let algorithm = try AlgorithmResolver.resolve("1pass", shape: shape)
        let fromIR = algorithm.costs(atKeyTile: m0, shape: shape)
        // The IR counts the partitioned iteration space: ⌈M/M0⌉ tiles of M0 keys (the last one
        // padded), per computed (padded) score, as the kernel computes them.
        let tiles = Double((m + m0 - 1) / m0), padded = tiles * Double(m0)
        #expect(relativeDifference(fromIR.macs, Double(2 * d)) < 1e-12)
        #expect(relativeDifference(fromIR.exps, (padded + tiles) / padded) < 1e-12)
        #expect(relativeDifference(fromIR.vectorOps, (3 * padded + (4 + 2 * Double(d)) * tiles) / padded) < 1e-12)
        if m % m0 == 0 {
            let closed = ScoreCosts.onePassAttention(e: d, f: d, m0: m0, m: m)
            #expect(relativeDifference(fromIR.vectorOps, closed.vectorOps) < 1e-12)
        }
    }

    @Test func threePassIsThreeKernelsAndSlowerThanFused() throws {
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 8192, headDim: 128)
        let m = try Fixtures.machine()
        let three = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: m,
                                                 algorithm: try AlgorithmResolver.resolve("3pass", shape: shape))
        let one = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: m,
                                               algorithm: try AlgorithmResolver.resolve("1pass", shape: shape))
        #expect(three.kernels.count == 3)
        let two = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: m,
                                               algorithm: try AlgorithmResolver.resolve("2pass", shape: shape))
        #expect(two.kernels.count == 2)
        #expect(three.latencySeconds > one.latencySeconds)
        // The score matrix round-trips through DRAM: far more than the compulsory traffic.
        #expect(three.dramBytes > 10 * shape.compulsoryBytes())
    }

    @Test func unknownAlgorithmSuggests() {
        #expect {
            try AlgorithmResolver.resolve("3-pass", shape: AttentionShape(batch: 1, heads: 1, qLen: 8, headDim: 8))
        } throws: { error in
            (error as? InputError)?.suggestion?.contains("3pass") == true
        }
    }
}
