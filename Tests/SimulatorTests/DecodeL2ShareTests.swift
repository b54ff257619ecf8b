@testable import Einsim
import Mapper
import Testing

/// The L2 serves the SMs evenly, and the few SMs still asking get more (up to their port): a decode
/// grid a little larger than the SM count (two blocks on a few SMs) does not take twice as long (H200, 2026-12-02, Calibration/decode_stream_curve.py,
/// results/h200-decode-stream-curve-2026-12-02.jsonl).
@Suite struct DecodeL2ShareTests {
    static func ms(batch: Int, keys: Int = 8192, _ preset: KernelPreset = .cudnn) throws -> Double {
        let shape = AttentionShape(batch: batch, heads: 32, kvHeads: 8, qLen: 1, kvLen: keys, headDim: 128, causal: false)
        return try Fixtures.simulate(shape, preset, on: "nvidia-h200-sxm").latencySeconds * 1e3
    }

    /// Measured cuDNN over 8192 keys: B12 (96 blocks) 0.0963 ms, B17 (136) 0.1333, B24 (192) 0.1892,
    /// B32 (256) 0.2364; the model had B17 at 0.205 (each SM's L2 share doubled for its two blocks).
    @Test func aGridJustOverTheSMsStreamsOnce() throws {
        for (b, measured) in [(12, 0.0963), (17, 0.1333), (24, 0.1892), (32, 0.2364)] {
            let p = try Self.ms(batch: b)
            #expect(abs(p - measured) / measured < 0.12, "B\(b): \(p) ms, measured \(measured)")
        }
        #expect(try Self.ms(batch: 17) < 1.6 * Self.ms(batch: 12))
    }

    /// Without `l2-port-bandwidth` an SM never draws more than its share: the SMs holding a
    /// second block take two shares, and the B17 call is slower than with the H200's port.
    @Test func withoutAPortTheShareHolds() throws {
        var machine = try Fixtures.machine("nvidia-h200-sxm")
        #expect(machine.l2PortBandwidth > 1.5 * machine.l2Bandwidth / Double(machine.processors))
        let shape = AttentionShape(batch: 17, heads: 32, kvHeads: 8, qLen: 1, kvLen: 8192, headDim: 128, causal: false)
        let withPort = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: machine).latencySeconds
        machine.l2PortBandwidth = 0
        let shareOnly = try Experiment.simulateAttention(shape: shape, preset: .cudnn, machine: machine).latencySeconds
        #expect(shareOnly > 1.2 * withPort, "share only \(shareOnly) s, with the port \(withPort) s")
    }

    @Test func theStreamCurveFile() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-decode-stream-curve-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let errors = report.rows.compactMap { $0.latencyAPE }.sorted()
        #expect(errors.count == 66)
        #expect(errors[errors.count / 2] < 4, "median \(errors[errors.count / 2])%")
        #expect(errors.last! < 25, "worst \(errors.last!)%")
    }
}
