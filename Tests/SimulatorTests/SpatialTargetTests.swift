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

    /// Passes fuse only when the intermediates crossing them fit whole on chip (FLAT's row-tile
    /// fusion): at 64K keys 16 query rows of scores fit FuseMax's buffer, so the 3-pass cascade is
    /// one group that re-reads K and V per row tile; at 1M keys they do not, and it spills.
    @Test func threePassFusesWhenRowsFitAndSpillsWhenTheyDoNot() throws {
        let fits = AttentionShape(batch: 4, heads: 12, qLen: 65536, headDim: 64)
        let oneFits = try Self.run("fusemax", fits)
        let threeFits = try Self.run("fusemax", fits, algorithm: "3pass")
        #expect(threeFits.kernels.count == 1)
        #expect(threeFits.dramBytes > 2 * oneFits.dramBytes)
        let spills = AttentionShape(batch: 1, heads: 1, qLen: 1 << 20, headDim: 64)
        let threeSpills = try Self.run("fusemax", spills, algorithm: "3pass")
        let oneSpills = try Self.run("fusemax", spills)
        #expect(threeSpills.kernels.count == 3)
        #expect(threeSpills.dramBytes > 2 * oneSpills.dramBytes)
    }

    /// A PIM system reads K and V in the banks for the Einsums bound to its PIM units: batched
    /// decode is faster than on the same NPU without PIM, and the in-bank reads are a resource.
    @Test func pimReadsOperandsInBank() throws {
        let decode = AttentionShape(batch: 32, heads: 32, qLen: 1, kvLen: 4096, headDim: 128)
        let pim = try Self.run("neupims", decode)
        let npu = try Self.run("tpu-like-npu", decode)
        #expect(pim.latencySeconds < npu.latencySeconds)
        #expect(pim.resourceSeconds["hbm (in-bank)", default: 0] > 0)
        #expect(pim.einsums.first { $0.name == "BQK" }?.unit == "pim-alu")
        #expect(pim.dramBytes < npu.dramBytes)
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
