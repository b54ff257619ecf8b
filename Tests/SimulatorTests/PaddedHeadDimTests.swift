@testable import Einsim
import Mapper
import Simulator
import Testing

/// A head dim the kernel is not compiled for runs on the next one's tiles (cuDNN: d = 80 and 96 on
/// 128-column tiles, `…_64x128x128_…` on the H200): its zero columns are read from shared memory
/// and multiplied like real ones. Checked on the H200 files (Calibration/README.md, round 5):
/// charging them as real MACs took round 4's energy median 8.2% → 6.6% (cuDNN d80 causal 20% → 14%
/// low) and the d96 cuDNN prefill rows of round 3 from 6-13% to 4-10% fast; no file worse.
@Suite struct PaddedHeadDimTests {
    static func shape(_ d: Int) -> AttentionShape {
        AttentionShape(batch: 4, heads: 32, kvHeads: 32, qLen: 4096, kvLen: 4096, headDim: d, causal: false)
    }

    @Test func paddedColumnsAreReadAndMultiplied() throws {
        let d80 = try Fixtures.simulate(Self.shape(80), .cudnn, on: "nvidia-h200-sxm")
        let d128 = try Fixtures.simulate(Self.shape(128), .cudnn, on: "nvidia-h200-sxm")
        // Same tiles in shared memory; the L2 and DRAM carry only the real columns.
        #expect(relativeDifference(d80.sharedMemoryBytes, d128.sharedMemoryBytes) < 1e-9)
        #expect(d80.l2Bytes < 0.7 * d128.l2Bytes && d80.dramBytes < 0.7 * d128.dramBytes)
        // The matrix energy of the padded call is the full tile's.
        let mac80 = d80.energyByComponent["tensor-core"] ?? 0, mac128 = d128.energyByComponent["tensor-core"] ?? 0
        #expect(mac128 > 0 && mac80 > 0.99 * mac128, "tensor-core J: d80 \(mac80), d128 \(mac128)")
        // A head dim the kernel is compiled for pads nothing.
        let d64 = try Fixtures.simulate(Self.shape(64), .cudnn, on: "nvidia-h200-sxm")
        #expect(relativeDifference(d64.sharedMemoryBytes, 0.5 * d128.sharedMemoryBytes) < 1e-9)
    }
}
