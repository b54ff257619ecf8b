import Einsim
import Foundation
import Testing

/// The reuse analysis on textbook nests, and the compiled form against the general one.
struct ReuseAnalysisTests {
    /// C[m,n] = A[m,k] · B[k,n] with DRAM loops m:4 (outer), n:4 (inner) over a buffer holding
    /// 256×256 tiles: A is reused across the inner n loop (read once), B is re-read per m tile.
    @Test func gemmTilesReuseAcrossIrrelevantInnerLoops() {
        let a = MappedTensor(name: "A", role: .input, elementBytes: 2, extents: ["m": 1024, "k": 512])
        let b = MappedTensor(name: "B", role: .input, elementBytes: 2, extents: ["k": 512, "n": 1024])
        let c = MappedTensor(name: "C", role: .output, elementBytes: 2, extents: ["m": 1024, "n": 1024])
        let nest = LoopNest(levels: [
            LevelNest(level: "dram", loops: [Loop("m", 4), Loop("n", 4)], keeps: ["A", "B", "C"]),
            LevelNest(level: "buffer", loops: [Loop("m", 256), Loop("n", 256), Loop("k", 512)], keeps: ["A", "B", "C"]),
        ])
        let r = ReuseAnalysis.analyze(nest, tensors: [a, b, c])
        #expect(r.entry("A", "buffer")?.parentBytes == a.bytes)
        #expect(r.entry("B", "buffer")?.parentBytes == 4 * b.bytes)
        #expect(r.entry("C", "buffer")?.parentBytes == c.bytes)
        #expect(abs((r.entry("A", "buffer")?.tileBytes ?? 0) - 262_144) < 1e-6)
        // Swapping the loop order swaps which operand is re-read.
        var swapped = nest
        swapped.levels[0].loops = [Loop("n", 4), Loop("m", 4)]
        let s = ReuseAnalysis.analyze(swapped, tensors: [a, b, c])
        #expect(s.entry("A", "buffer")?.parentBytes == 4 * a.bytes)
        #expect(s.entry("B", "buffer")?.parentBytes == b.bytes)
    }

    /// A spatial loop over a rank that does not index a tensor: one read with multicast, one per
    /// child without; factors of 1 are no loops.
    @Test func spatialFanOutMulticastsOrReplicates() {
        let q = MappedTensor(name: "Q", role: .input, elementBytes: 2, extents: ["p": 64, "e": 64])
        func nest(multicast: Bool) -> LoopNest {
            LoopNest(levels: [
                LevelNest(level: "dram", keeps: ["Q"]),
                LevelNest(level: "buffer", loops: [Loop("m", 8, spatial: true), Loop("h", 1)], keeps: ["Q"], multicast: multicast),
                LevelNest(level: "pe", loops: [Loop("p", 64), Loop("e", 64)], keeps: ["Q"]),
            ])
        }
        let shared = ReuseAnalysis.analyze(nest(multicast: true), tensors: [q])
        let replicated = ReuseAnalysis.analyze(nest(multicast: false), tensors: [q])
        #expect(shared.entry("Q", "pe")?.parentBytes == q.bytes)
        #expect(replicated.entry("Q", "pe")?.parentBytes == 8 * q.bytes)
    }

    /// The search's compiled reuse analysis gives the same latency and energy as the general one,
    /// for every preset and searched candidate over decode, continuum and prefill shapes.
    @Test(arguments: [
        AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 1, kvLen: 131072, headDim: 128),
        AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 96, kvLen: 65536, headDim: 128),
        AttentionShape(batch: 2, heads: 32, qLen: 8192, headDim: 128, causal: true),
        AttentionShape(batch: 64, heads: 32, kvHeads: 8, qLen: 1, kvLen: 4096, headDim: 64),
        AttentionShape(batch: 1, heads: 16, qLen: 4096, headDim: 256, mask: .slidingWindow(window: 512)),
    ])
    func compiledEqualsGeneral(shape: AttentionShape) throws {
        let machine = try Fixtures.machine()
        let estimator = AttentionEstimator(shape: shape, machine: machine)
        let algorithm = AttentionAlgorithm.closedFormOnePass(shape: shape)
        let candidates = AttentionMapper.candidates(shape: shape, sm: machine.sm, matrixPaths: machine.matrixPaths,
                                                    registerHeadroom: machine.registerHeadroom)
        #expect(candidates.count > 10)
        for mapping in candidates {
            let fast = estimator.estimate(costs: algorithm.costs(atKeyTile: mapping.blockKV, shape: shape), mapping: mapping)
            let full = RooflineEngine().evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine)
            #expect(relativeDifference(fast.seconds, full.latencySeconds) < 1e-9, "\(mapping.traits.kernelName) \(mapping.blockQ)x\(mapping.blockKV)")
            #expect(relativeDifference(fast.joules, full.energyJoules) < 1e-9)
        }
    }
}
