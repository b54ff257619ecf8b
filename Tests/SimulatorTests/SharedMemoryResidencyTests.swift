@testable import Einsim
import Mapper
import Simulator
import Testing

/// How many thread blocks an SM holds, from measured shared memory per block and the 1 KiB the
/// system reserves per block (H200, 2026-12-02, Calibration/flex_occupancy.py,
/// results/h200-launch-facts-2026-12-02.jsonl).
@Suite struct SharedMemoryResidencyTests {
    static let shape = AttentionShape(batch: 1, heads: 32, kvHeads: 32, qLen: 8192, kvLen: 8192, headDim: 64, causal: false)

    @Test func flexAtHeadDim64HoldsItsSMAlone() throws {
        var h200 = try Fixtures.machine("nvidia-h200-sxm")
        #expect(h200.sharedMemoryReservedPerBlock == 1024)
        let flex = AttentionMapper.mapping(preset: .flex, shape: Self.shape, sm: h200.sm)
        #expect(flex.sharedMemoryBytes(headDim: 64, valueDim: 64, elementBytes: 2) == 116_736)
        #expect(h200.residentBlocksPerSM(flex, headDim: 64, valueDim: 64, elementBytes: 2) == 1)
        // Without the reservation two blocks would fit exactly (2 × 116,736 B = 228 KiB).
        h200.sharedMemoryReservedPerBlock = 0
        #expect(h200.residentBlocksPerSM(flex, headDim: 64, valueDim: 64, elementBytes: 2) == 2)
        // FA2's 48 KiB block is not limited by shared memory: two per SM by its registers.
        let h200Again = try Fixtures.machine("nvidia-h200-sxm")
        let fa2 = AttentionMapper.mapping(preset: .fa2, shape: Self.shape, sm: h200Again.sm)
        #expect(h200Again.residentBlocksPerSM(fa2, headDim: 64, valueDim: 64, elementBytes: 2) == 2)
    }

    /// The static FlexAttention rows at d = 64: 6-31% fast when two blocks shared an SM, now within 10%.
    @Test func staticFlexRowsAtHeadDim64() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-flex-static-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let d64 = report.rows.filter { $0.input["D"]?.number == 64 }.compactMap { $0.latencyAPE }
        #expect(d64.count == 5)
        #expect(d64.allSatisfy { $0 < 10 }, "d64 errors % \(d64)")
    }
}
