import Einsim
import Testing

/// Sparse patterns: limits that must equal dense, closed-form kept fractions, monotonicity.
@Suite struct VariantPatternTests {
    static let base = AttentionShape(batch: 1, heads: 4, qLen: 8192, headDim: 128)

    func latency(_ spec: String, _ shape: AttentionShape = base, preset: KernelPreset = .fa3) throws -> SimulationResult {
        try Experiment.simulateVariant(VariantSpec.parse(spec), shape: shape, preset: preset, machine: Fixtures.machine())
    }

    @Test("density 1.0 of every pattern family equals dense (predictor off)", arguments: [
        "top-k:keep=64,block=128,predictor=none",
        "top-p:density=1,predictor=none",
        "head-budget:densities=1/1,predictor=none",
        "neighborhood:window=8192",
        "neighborhood:window=64x128,grid=64x128",
        "vertical-stripes:columns=8192",
        "top-k:keep=64,block=128,sink=8192,predictor=none",
    ])
    func fullDensityIsDense(spec: String) throws {
        let dense = try latency("dense")
        let sparse = try latency(spec)
        #expect(relativeDifference(sparse.latencySeconds, dense.latencySeconds) < 0.01, "\(spec)")
        #expect(relativeDifference(sparse.flops, dense.flops) < 1e-9, "\(spec)")
    }

    @Test func windowCoveringEverythingIsDense() throws {
        let g = NeighborhoodGeometry(grid: [16, 32, 16], window: [16, 32, 16])
        #expect(g.keptFraction(tokens: 8192) == 1)
        #expect(NeighborhoodGeometry(window: [100_000]).keptFraction(tokens: 8192) == 1)
    }

    @Test("2-D neighborhood kept fraction: (k/H)·(k/W) with clamped windows, residue classes with dilation")
    func neighborhoodClosedForm() throws {
        let g = NeighborhoodGeometry(grid: [64, 128], window: [7, 13])
        let expected: Double = (7.0 / 64.0) * (13.0 / 128.0)
        #expect(relativeDifference(g.keptFraction(tokens: 8192), expected) < 1e-12)
        // Dilation 2 on 64 rows: two classes of 32 tokens, each query keeps min(7, 32) = 7 keys.
        let d = NeighborhoodGeometry(grid: [64, 128], window: [7, 13], dilation: [2, 1])
        #expect(relativeDifference(d.keptFraction(tokens: 8192), expected) < 1e-12)
        let shape = AttentionShape(batch: 1, heads: 2, qLen: 8192, headDim: 64,
                                   mask: .pattern(SparsePattern(local: g)))
        let flops: Double = 2.0 * 2.0 * 8192.0 * 7.0 * 13.0 * 128.0
        #expect(relativeDifference(shape.flops, flops) < 1e-9)
    }

    @Test("top-k FLOPs: keep·block keys per query")
    func topKClosedForm() throws {
        let spec = try VariantSpec.parse("top-k:keep=8,block=128")
        var shape = Self.base
        shape.mask = spec.mask
        let flops: Double = 4.0 * 4.0 * 8192.0 * 1024.0 * 128.0
        #expect(relativeDifference(shape.flops, flops) < 1e-9)
    }

    @Test("sparser is never slower (minus the predictor)", arguments: ["top-k:keep=%d,block=128,predictor=none", "top-p:density=0.%02d,predictor=none"])
    func monotone(template: String) throws {
        var previous = Double.infinity
        for k in [48, 32, 16, 8, 4] {
            let t = try latency(String(format: template, k)).latencySeconds
            #expect(t <= previous * 1.0001, "\(String(format: template, k))")
            previous = t
        }
    }

    @Test func blockSmallerThanTileWastesScatteredTiles() throws {
        // 32-token mask blocks inside 128-key tiles: scattered blocks touch ~4x the tiles that a
        // permutation making them contiguous needs.
        let scattered = try latency("top-k:keep=16,block=32,predictor=none")
        let contiguous = try latency("top-k:keep=16,block=32,layout=contiguous,predictor=none")
        #expect(scattered.latencySeconds > 1.5 * contiguous.latencySeconds)
    }

    @Test func perHeadBudgetsImbalanceRowBlocks() throws {
        // Same mean density: per-head budgets are slower than a uniform top-k (busiest head).
        let uniform = try latency("top-k:keep=22,block=128,predictor=none")
        let budgets = try latency("head-budget:densities=0.05/0.55,block=128,predictor=none")
        #expect(budgets.latencySeconds > uniform.latencySeconds)
    }

    @Test func causalSparseHalvesWork() throws {
        var causal = Self.base
        causal.causal = true
        let full = try latency("top-k:keep=16,block=128,predictor=none")
        let half = try latency("top-k:keep=16,block=128,predictor=none", causal)
        #expect(half.latencySeconds < 0.8 * full.latencySeconds)
    }

    @Test func stridedNeighborhoodBeatsNeighborhoodAndSinkCosts() throws {
        let n = try latency("neighborhood:window=1024").latencySeconds
        let s = try latency("neighborhood:window=1024,stride=128").latencySeconds
        #expect(s <= n)
        let withSink = try latency("neighborhood:window=1024,sink=512").latencySeconds
        #expect(withSink > n)
    }
}
