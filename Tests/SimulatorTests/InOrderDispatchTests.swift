@testable import Einsim
import Mapper
@testable import Simulator
import Testing

/// Grids that run each head's query-row blocks in order (FA2, FlexAttention): under a causal mask
/// the busiest row block of the last head is dispatched last and finishes alone (H200, 2026-12-02,
/// Calibration/h200_round5_probe.py, results/h200-round5-probe-2026-12-02.jsonl).
@Suite struct InOrderDispatchTests {
    @Test func theLargestLastAddsItsWholeWork() {
        // 1000 blocks on 100 processors, 10 units of work in all per processor, largest block 4.
        let spread = makespan(blocks: 1000, total: 1000, largest: 4, uniform: false, processors: 100)
        let last = makespan(blocks: 1000, total: 1000, largest: 4, uniform: false, processors: 100, largestLast: true)
        let lastAlone = makespan(blocks: 1000, total: 1000, largest: 4, uniform: false, processors: 100,
                                 largestLast: true, aloneStretch: 1.25)
        #expect(abs(spread - 12) < 1e-9)
        #expect(abs(last - (996.0 / 100 + 4)) < 1e-9)
        #expect(abs(lastAlone - (996.0 / 100 + 5)) < 1e-9)
        // Even work: wave quantization, whatever the order.
        #expect(makespan(blocks: 250, total: 250, largest: 1, uniform: true, processors: 100, largestLast: true) == 3)
    }

    /// Two blocks per processor: 250 blocks on 100 processors are a full wave of 200 side by side
    /// (2 units) and 50 alone (1 unit, stretched); 350 leave 150, two on some processors (no stretch).
    @Test func aLoneTailWaveRunsStretched() {
        #expect(abs(makespan(blocks: 250, total: 250, largest: 1, uniform: true, processors: 100,
                             aloneStretch: 1.25, resident: 2) - 3.25) < 1e-12)
        #expect(makespan(blocks: 350, total: 350, largest: 1, uniform: true, processors: 100,
                         aloneStretch: 1.25, resident: 2) == 4)
        #expect(makespan(blocks: 400, total: 400, largest: 1, uniform: true, processors: 100,
                         aloneStretch: 1.25, resident: 2) == 4)
        #expect(makespan(blocks: 250, total: 250, largest: 1, uniform: true, processors: 100,
                         aloneStretch: 1.25, resident: 1) == 3)
    }

    static func shape(_ l: Int, causal: Bool, headDim: Int = 64) -> AttentionShape {
        AttentionShape(batch: 1, heads: 16, kvHeads: 4, qLen: l, kvLen: l, headDim: headDim, causal: causal)
    }

    /// Measured FA2 B1 H16/4 d64: 3392^2 causal 0.150 ms (0.1125 predicted when the row blocks were
    /// spread evenly), 3328^2 causal 0.128, non-causal 3392^2 0.193.
    @Test func fa2SmallCausalPrefill() throws {
        func ms(_ l: Int, _ causal: Bool, _ preset: KernelPreset = .fa2) throws -> Double {
            try Fixtures.simulate(Self.shape(l, causal: causal), preset, on: "nvidia-h200-sxm").latencySeconds * 1e3
        }
        let causal = try ms(3392, true)
        #expect(abs(causal - 0.150) / 0.150 < 0.10, "3392^2 causal: \(causal) ms, measured 0.150")
        let shorter = try ms(3328, true)
        #expect(abs(shorter - 0.128) / 0.128 < 0.12, "3328^2 causal: \(shorter) ms, measured 0.128")
        let dense = try ms(3392, false)
        #expect(abs(dense - 0.193) / 0.193 < 0.06, "3392^2: \(dense) ms, measured 0.193")
        #expect(KernelPreset.fa2.traits(headDim: 64).dispatchesRowBlocksInOrder)
        #expect(!KernelPreset.cudnn.traits(headDim: 64).dispatchesRowBlocksInOrder)
    }

    /// A symmetric window's last row blocks are lighter than its middle ones: not the busiest last.
    @Test func onlyCausalMasksPutTheBusiestRowBlockLast() {
        let causal = TileSchedule(shape: Self.shape(4096, causal: true), rows: 4096, keys: 4096, blockQ: 128, blockKV: 128,
                                  threadBlocksInFlight: 264, rowsAtLastPosition: false)
        #expect(causal.heaviestRowBlockLast)
        var window = Self.shape(4096, causal: false)
        window.mask = .slidingWindow(window: 512)
        let symmetric = TileSchedule(shape: window, rows: 4096, keys: 4096, blockQ: 128, blockKV: 128,
                                     threadBlocksInFlight: 264, rowsAtLastPosition: false)
        #expect(!symmetric.heaviestRowBlockLast)
    }
}
