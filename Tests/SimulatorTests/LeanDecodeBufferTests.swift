import Einsim
import Testing

/// cuDNN's lean decode kernel at head dim 256 (H200, 2026-12-02,
/// Calibration/results/h200-cudnn-decode-inflight-2026-12-02.jsonl): its 64 KiB K/V buffer holds
/// half of a d = 256 tile pair, so a pair goes through it in two dependent parts (one in flight per
/// block), cuDNN launches twice the blocks of d = 128, and the stream runs at ~3.3-3.6 TB/s
/// whatever the clock. Each test fails if that mechanism is removed.
@Suite struct LeanDecodeBufferTests {
    static func shape(_ b: Int, _ kv: Int, _ d: Int) -> AttentionShape {
        AttentionShape(batch: b, heads: 32, kvHeads: 8, qLen: 1, kvLen: kv, headDim: d)
    }

    static func mainKernel(_ r: SimulationResult) -> String { r.kernels.first?.name ?? "" }

    @Test func splitsDoubleWhereTheBufferTakesAPairInTwoParts() {
        // Measured grids: d = 128 (splits, 8, B) = (32, 8, 1), (8, 8, 4), (4, 8, 8), (1, 8, 16);
        // d = 256 (64, 8, 1), (16, 8, 4), (8, 8, 8), (2, 8, 16), (2, 8, 32).
        let p = 132
        for (b, d128, d256) in [(1, 32, 64), (4, 8, 16), (8, 4, 8), (16, 1, 2), (32, 1, 2)] {
            let grid = b * 8
            #expect(SplitKVHeuristic.leanSplits(gridBlocks: grid, processors: p, keyBlocks: 64, maxSplits: 128) == d128)
            #expect(SplitKVHeuristic.leanSplits(gridBlocks: grid, processors: p, keyBlocks: 64, maxSplits: 128, parts: 2) == d256)
        }
        // Never more splits than key tiles.
        #expect(SplitKVHeuristic.leanSplits(gridBlocks: 8, processors: p, keyBlocks: 16, maxSplits: 128, parts: 2) == 16)
    }

    @Test func d256StreamsAtItsOwnBytesInFlight() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        // (B, keys, measured ms over a 150 ms burst at 1980 MHz)
        for (b, kv, measured) in [(8, 8192, 0.1647), (16, 8192, 0.2999), (32, 8192, 0.6081), (2, 32768, 0.1646), (1, 131072, 0.3160)] {
            let r = try Experiment.simulateAttention(shape: Self.shape(b, kv, 256), preset: .cudnn, machine: h200)
            let ms = r.latencySeconds * 1e3
            #expect(abs(ms - measured) / measured < 0.11, "B\(b) over \(kv): \(ms) ms, measured \(measured)")
            // Not power-limited (measured: 1980 MHz sustained at 685-689 W): the stream's own limit.
            #expect(r.clockRatio == 1, "B\(b) over \(kv): clock ratio \(r.clockRatio)")
        }
        let r = try Experiment.simulateAttention(shape: Self.shape(8, 8192, 256), preset: .cudnn, machine: h200)
        #expect(Self.mainKernel(r).contains("8 splits"), "\(Self.mainKernel(r))")
        // The same K/V bytes at d = 128 stream near the bandwidth: d = 256 is 1.3x slower per byte
        // (measured 0.1647 against 2 x 0.0667 ms for B8 over 8192 keys at d = 128).
        let half = try Experiment.simulateAttention(shape: Self.shape(8, 8192, 128), preset: .cudnn, machine: h200)
        let perByte = r.latencySeconds / (2 * half.latencySeconds)
        #expect(perByte > 1.05 && perByte < 1.4, "d = 256 over twice the d = 128 time: \(perByte)")
    }

    @Test func d64AndD128RowsStayWhereTheyWere() throws {
        let h200 = try Fixtures.machine("nvidia-h200-sxm")
        for (b, kv, d, measured) in [(16, 8192, 128, 0.1219), (8, 8192, 128, 0.0667), (64, 4096, 128, 0.2413),
                                     (8, 8192, 64, 0.0363), (16, 8192, 64, 0.0704)] {
            let ms = try Experiment.simulateAttention(shape: Self.shape(b, kv, d), preset: .cudnn, machine: h200).latencySeconds * 1e3
            #expect(abs(ms - measured) / measured < 0.08, "B\(b) over \(kv) d\(d): \(ms) ms, measured \(measured)")
        }
    }

    @Test func inflightFileMeetsTheBar() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-cudnn-decode-inflight-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let cudnn = try #require(report.groups.first { $0.name == "decode/cudnn" })
        #expect(cudnn.rows == 20)
        #expect((cudnn.latencyMedianAPE ?? 100) <= 8, "decode/cudnn \(cudnn.latencyMedianAPE ?? -1)%")
    }
}
