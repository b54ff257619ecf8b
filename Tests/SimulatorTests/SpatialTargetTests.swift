import Einsim
import Foundation
import Testing

/// Every non-GPU profile simulates through the target-neutral machine, mapping and roofline engine.
struct SpatialTargetTests {
    static let targets = ["fusemax", "flat", "flat-edge", "tpu-like-npu", "neupims", "newton-npu-pim", "attacc"]
    static let bert = AttentionShape(batch: 64, heads: 12, qLen: 4096, headDim: 64)

    static func run(_ name: String, _ shape: AttentionShape = bert, algorithm: String = "1pass") throws -> SimulationResult {
        try Experiment.simulateOnTarget(shape: shape, algorithm: algorithm, profile: ProfileResolver.load(name))
    }

    @Test(arguments: targets)
    func latencyIsAtLeastTheRooflineAndEnergyAtLeastIdleTimesLatency(target: String) throws {
        let r = try Self.run(target)
        #expect(r.latencySeconds > 0 && r.latencySeconds.isFinite)
        #expect(r.latencySeconds >= r.rooflineSeconds * 0.999999)
        #expect(r.energyJoules >= r.staticJoules)
        #expect(r.dramBytes >= 0.999 * Double(Self.bert.batch * Self.bert.heads) * 4096 * 64 * 2 * 4, "Q, K, V, O once")
        for (_, u) in r.utilization { #expect(u >= 0 && u <= 1.000001) }
        #expect(!r.einsums.isEmpty && r.einsums.allSatisfy { $0.seconds >= 0 && $0.utilization > 0 && $0.utilization <= 1 })
    }

    @Test(arguments: ["fusemax", "tpu-like-npu"])
    func monotonicInSequenceLengthAndBatch(target: String) throws {
        var previous = 0.0
        for seq in [1024, 4096, 16384] {
            let t = try Self.run(target, AttentionShape(batch: 8, heads: 12, qLen: seq, headDim: 64)).latencySeconds
            #expect(t > previous)
            previous = t
        }
        let one = try Self.run(target, AttentionShape(batch: 1, heads: 12, qLen: 4096, headDim: 64)).latencySeconds
        let eight = try Self.run(target, AttentionShape(batch: 8, heads: 12, qLen: 4096, headDim: 64)).latencySeconds
        #expect(eight > one)
    }

    /// FuseMax (1-pass cascade, exp on its 2-D array through the issue cost) against FLAT (3-pass
    /// cascade, softmax on its 1-D array): faster, from the mapping, not from a constant.
    @Test func fusemaxBeatsFlatOnAttention() throws {
        let fusemax = try Self.run("fusemax")
        let flat = try Self.run("flat", algorithm: "3pass")
        #expect(fusemax.latencySeconds * 3 < flat.latencySeconds)
        #expect(fusemax.bound == "pe-2d")
        #expect(fusemax.einsums.first { $0.name == "SLN" }?.unit == "pe-2d", "exp runs on the 2-D array (6 MACs + 1 add)")
        #expect(fusemax.einsums.first { $0.name == "AV" }?.unit == "pe-1d", "the divide needs the 1-D array")
    }

    /// Passes that cannot fuse spill their intermediates through DRAM: the 3-pass cascade moves
    /// more than the 1-pass one when the score matrix does not fit the buffer.
    @Test func threePassSpillsWhenTheFiberDoesNotFit() throws {
        let shape = AttentionShape(batch: 4, heads: 12, qLen: 65536, headDim: 64)
        let one = try Self.run("fusemax", shape)
        let three = try Self.run("fusemax", shape, algorithm: "3pass")
        #expect(three.dramBytes > 2 * one.dramBytes)
        #expect(three.kernels.count > one.kernels.count)
    }

    @Test func masksAndGQAAreRefusedNotApproximated() throws {
        var causal = Self.bert
        causal.causal = true
        #expect(throws: SimulationError.self) { try Self.run("fusemax", causal) }
        #expect(throws: SimulationError.self) { try Self.run("fusemax", AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 4096, headDim: 128)) }
    }

    @Test func millionTokenSequencesCostNoMoreToSimulate() throws {
        let start = Date()
        _ = try Self.run("fusemax", AttentionShape(batch: 64, heads: 16, qLen: 1 << 20, headDim: 64))
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
