@testable import Einsim
import Mapper
import Testing

/// K/V tiles loaded by the bulk copy engine (TMA: FA3, cuDNN's sm90 prefill) stream from the L2
/// faster than tiles the threads copy by `cp.async` (FA2, FlexAttention): measured on the H200,
/// Calibration/l2_paths.py, results/h200-l2-paths-2026-12-03.jsonl (10.5 against 5.9 TB/s).
@Suite struct BulkCopyL2Tests {
    static let d256 = AttentionShape(batch: 4, heads: 16, kvHeads: 16, qLen: 4096, kvLen: 4096, headDim: 256, causal: false)

    @Test func theHopperKernelsLoadByTheCopyEngine() {
        for (preset, bulk) in [(KernelPreset.fa3, true), (.cudnn, true), (.fa2, false), (.flex, false)] {
            #expect(preset.traits(headDim: 128).loadsTilesByBulkCopy == bulk, "\(preset)")
        }
    }

    @Test func theH200MeasuresBothPaths() throws {
        let machine = try Fixtures.machine("nvidia-h200-sxm")
        #expect(abs(machine.l2BulkCopyBandwidth - 10.5e12) < 1e9)
        #expect(machine.l2BulkCopyBandwidth > 1.5 * machine.l2Bandwidth)
        // Not measured on the H100: absent, so its tiles all stream at the L2 bandwidth.
        #expect(try Fixtures.machine("nvidia-h100-sxm").l2BulkCopyBandwidth == 0)
    }

    /// An L2-bound cuDNN d = 256 prefill runs faster at the copy engine's rate than at the
    /// cp.async one; FA2's mapping of the same call does not move (its tiles go by cp.async).
    @Test func onlyCopyEngineTilesStreamAtItsRate() throws {
        var machine = try Fixtures.machine("nvidia-h200-sxm")
        let cudnn = try Experiment.simulateAttention(shape: Self.d256, preset: .cudnn, machine: machine).latencySeconds
        let fa2 = try Experiment.simulateAttention(shape: Self.d256, preset: .fa2, machine: machine).latencySeconds
        machine.l2BulkCopyBandwidth = 0
        let cudnnAtCpAsync = try Experiment.simulateAttention(shape: Self.d256, preset: .cudnn, machine: machine).latencySeconds
        let fa2Without = try Experiment.simulateAttention(shape: Self.d256, preset: .fa2, machine: machine).latencySeconds
        #expect(cudnnAtCpAsync > 1.03 * cudnn, "cp.async rate \(cudnnAtCpAsync) s, copy engine \(cudnn) s")
        #expect(fa2 == fa2Without)
    }
}
