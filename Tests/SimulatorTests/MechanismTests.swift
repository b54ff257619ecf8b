import Einsim
import Testing

/// Mechanisms the model must show: wave quantization, split-KV, power capping, tile padding.
@Suite struct MechanismTests {
    @Test func splitKVHeuristicMatchesFlashAttention2() {
        // B=1, 8 KV heads, 1 row block: few blocks → split; enough blocks → no split.
        #expect(SplitKVHeuristic.splits(gridBlocks: 8, processors: 132, keyBlocks: 8, maxSplits: 128) == 8)
        #expect(SplitKVHeuristic.splits(gridBlocks: 128, processors: 132, keyBlocks: 64, maxSplits: 128) == 1)
        let s = SplitKVHeuristic.splits(gridBlocks: 8, processors: 132, keyBlocks: 1024, maxSplits: 128)
        #expect(s > 8 && s <= 17)
    }

    @Test func waveQuantizationShowsUpInLatency() throws {
        // 132 SMs: 132·k thread blocks fill waves exactly; one more block costs a whole extra wave.
        let m = try Fixtures.machine()
        let per = 128  // fa2 rows per block at d=128
        let full = AttentionShape(batch: 1, heads: 132, qLen: per * 4, headDim: 128)
        let oneMore = AttentionShape(batch: 1, heads: 133, qLen: per * 4, headDim: 128)
        let a = try Experiment.simulateAttention(shape: full, preset: .fa2, machine: m)
        let b = try Experiment.simulateAttention(shape: oneMore, preset: .fa2, machine: m)
        // 133/132 more work but a fifth wave: ~25% longer, not ~1%.
        #expect(b.latencySeconds / a.latencySeconds > 1.15)
    }

    @Test func heavyKernelsRunAtThePowerLimit() throws {
        let r = try Fixtures.simulate(AttentionShape(batch: 4, heads: 32, qLen: 4096, headDim: 128), .fa2)
        #expect(r.clockRatio < 1)
        #expect(abs(r.averagePowerWatts - 700) < 1)
        let decode = try Fixtures.simulate(AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 1, kvLen: 4096, headDim: 128), .fa2)
        #expect(decode.bound.contains("DRAM") || decode.bound.contains("launch") || decode.bound.contains("combine"))
    }

    @Test func decodePadsGQAGroupsIntoTileRows() throws {
        // 4 query heads per KV head packed into 64-row tiles: executed MACs ≫ useful MACs.
        let shape = AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 1, kvLen: 65536, headDim: 128)
        let m = try Fixtures.machine()
        let mapping = AttentionMapper.mapping(preset: .fa2, shape: shape, sm: m.sm)
        #expect(mapping.splitKernel && mapping.packsGroups && mapping.blockQ == 64 && mapping.realRowsPerTile == 4)
        let r = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: m)
        #expect(r.energyByComponent["tensor-core", default: 0] > 0)
        #expect(r.dramBytes >= shape.compulsoryBytes())
    }

    /// The energy breakdown by unit and level adds up to the dynamic energy the result charges,
    /// whichever kernel family (and its calibrated per-score or per-MAC energy) ran.
    @Test(arguments: [KernelPreset.fa2, .fa3, .cudnn, .flex])
    func energyBreakdownAddsUpToTheDynamicEnergy(preset: KernelPreset) throws {
        for shape in [AttentionShape(batch: 8, heads: 32, kvHeads: 8, qLen: 1, kvLen: 32768, headDim: 128),
                      AttentionShape(batch: 2, heads: 32, qLen: 4096, headDim: 128, causal: true)] {
            let r = try Fixtures.simulate(shape, preset)
            let parts = r.energyByComponent.values.reduce(0, +)
            #expect(abs(parts / r.dynamicJoules - 1) < 1e-9, "\(preset) \(shape): parts \(parts) vs dynamic \(r.dynamicJoules)")
        }
    }

    @Test func gemmIsComputeBoundWhenLargeAndMemoryBoundWhenSkinny() throws {
        let m = try Fixtures.machine()
        let big = RooflineEngine().evaluate(gemm: GEMMShape(m: 8192, n: 8192, k: 8192), machine: m)
        let skinny = RooflineEngine().evaluate(gemm: GEMMShape(m: 16, n: 4096, k: 4096), machine: m)
        #expect(big.bound.contains("matrix"))
        #expect(skinny.bound.contains("DRAM"))
        #expect(big.achievedFLOPS > 500e12 && big.achievedFLOPS < 800e12)
    }

    @Test func autoIsNoWorseThanAnyPreset() throws {
        let shape = AttentionShape(batch: 2, heads: 32, qLen: 8192, headDim: 128, causal: true)
        let auto = try Fixtures.simulate(shape, .auto)
        for p in [KernelPreset.fa2, .fa3, .cudnn, .flex] {
            #expect(auto.latencySeconds <= (try Fixtures.simulate(shape, p)).latencySeconds * 1.0000001)
        }
    }
}
