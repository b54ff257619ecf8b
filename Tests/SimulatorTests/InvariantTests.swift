import Einsim
import Testing

/// Property tests: invariants every prediction must satisfy, over a grid of shapes and presets.
@Suite struct InvariantTests {
    static let presets: [KernelPreset] = [.fa2, .fa3, .cudnn, .flex, .auto]
    static let shapes: [AttentionShape] = [
        AttentionShape(batch: 1, heads: 32, qLen: 4096, headDim: 128),
        AttentionShape(batch: 4, heads: 16, qLen: 2048, headDim: 64, causal: true),
        AttentionShape(batch: 2, heads: 16, qLen: 8192, headDim: 256),
        AttentionShape(batch: 8, heads: 32, kvHeads: 8, qLen: 1, kvLen: 16384, headDim: 128),
        AttentionShape(batch: 1, heads: 8, qLen: 1 << 20, headDim: 128),
        AttentionShape(batch: 3, heads: 5, qLen: 1000, kvLen: 1500, headDim: 96),
    ]

    @Test(arguments: presets, shapes)
    func latencyIsAtLeastTheRooflineBound(preset: KernelPreset, shape: AttentionShape) throws {
        let r = try Fixtures.simulate(shape, preset)
        #expect(r.latencySeconds >= r.rooflineSeconds, "preset \(preset) shape \(shape)")
        #expect(r.latencySeconds.isFinite && r.latencySeconds > 0)
    }

    @Test(arguments: presets, shapes)
    func energyCoversIdlePowerAndCompulsoryTraffic(preset: KernelPreset, shape: AttentionShape) throws {
        let machine = try Fixtures.machine()
        let r = try Fixtures.simulate(shape, preset)
        let compulsory = shape.compulsoryBytes() * machine.energyPerDRAMByte + machine.idleWatts * r.latencySeconds
        #expect(r.energyJoules >= compulsory * 0.999, "preset \(preset) shape \(shape)")
        #expect(r.averagePowerWatts <= machine.limitWatts * 1.001)
    }

    @Test(arguments: presets)
    func latencyGrowsWithSequenceLength(preset: KernelPreset) throws {
        var previous = 0.0
        for seq in [512, 1024, 2048, 4096, 8192, 16384, 65536] {
            let t = try Fixtures.simulate(AttentionShape(batch: 1, heads: 32, qLen: seq, headDim: 128, causal: true), preset).latencySeconds
            #expect(t > previous, "seq \(seq) preset \(preset)")
            previous = t
        }
        previous = 0
        for kv in [1024, 4096, 16384, 65536, 262144] {
            let t = try Fixtures.simulate(AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 1, kvLen: kv, headDim: 128), preset).latencySeconds
            #expect(t > previous, "decode kv \(kv) preset \(preset)")
            previous = t
        }
    }

    @Test(arguments: [KernelPreset.fa2, .cudnn, .flex], shapes)
    func blockSparseAtDensityOneEqualsDense(preset: KernelPreset, shape: AttentionShape) throws {
        guard !shape.causal else { return }
        var sparse = shape
        sparse.mask = .blockSparse(density: 1.0, block: 128, keepDiagonal: true)
        let a = try Fixtures.simulate(shape, preset), b = try Fixtures.simulate(sparse, preset)
        #expect(relativeDifference(b.latencySeconds, a.latencySeconds) < 1e-9, "\(shape)")
        #expect(relativeDifference(b.energyJoules, a.energyJoules) < 1e-9)
    }

    @Test(arguments: [KernelPreset.fa2, .cudnn, .flex], shapes)
    func slidingWindowCoveringEverythingEqualsDense(preset: KernelPreset, shape: AttentionShape) throws {
        guard !shape.causal else { return }
        var windowed = shape
        windowed.mask = .slidingWindow(window: max(shape.qLen, shape.kvLen))
        let a = try Fixtures.simulate(shape, preset), b = try Fixtures.simulate(windowed, preset)
        #expect(relativeDifference(b.latencySeconds, a.latencySeconds) < 1e-9, "\(shape)")
    }

    @Test func sparserIsFasterAndCountsKeptFLOPs() throws {
        let dense = AttentionShape(batch: 1, heads: 32, qLen: 8192, headDim: 128)
        var previous = try Fixtures.simulate(dense, .flex).latencySeconds
        for density in [0.5, 0.25, 0.1] {
            var s = dense
            s.mask = .blockSparse(density: density, block: 128, keepDiagonal: false)
            let r = try Fixtures.simulate(s, .flex)
            #expect(r.latencySeconds < previous, "density \(density)")
            #expect(relativeDifference(r.flops, 4 * 32 * 8192 * 8192 * 128 * density) < 1e-12)
            previous = r.latencySeconds
        }
    }

    @Test func sameInputsGiveSameBytes() throws {
        let shape = AttentionShape(batch: 2, heads: 16, qLen: 3000, headDim: 128, causal: true)
        let a = try Fixtures.simulate(shape, .auto), b = try Fixtures.simulate(shape, .auto)
        #expect(a == b)
    }
}
