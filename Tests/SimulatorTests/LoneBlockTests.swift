@testable import Einsim
import Mapper
import Testing

/// FA2 blocks alone on their SM (H200, 2026-12-02, Calibration/fa2_lone_block.py,
/// results/h200-fa2-lone-block-2026-12-02.jsonl): a lone block runs at the single-warp issue
/// efficiency, and at d = 64 a ragged call's lone blocks also wait for each K/V tile.
@Suite struct LoneBlockTests {
    static func ms(_ q: Int, _ keys: Int, headDim: Int = 64, kvHeads: Int = 8) throws -> Double {
        let shape = AttentionShape(batch: 1, heads: 32, kvHeads: kvHeads, qLen: q, kvLen: keys, headDim: headDim, causal: false)
        return try Fixtures.simulate(shape, .fa2, on: "nvidia-h200-sxm").latencySeconds * 1e3
    }

    /// Measured d = 64: 128 / 256 / 288 / 384 blocks 0.286 / 0.454 / 0.724 / 0.726 ms: 288 and
    /// more are a paired wave and a lone one.
    @Test func aLastWaveOfLoneBlocks() throws {
        for (q, measured) in [(512, 0.2861), (1024, 0.4537), (1152, 0.7235), (1536, 0.7262)] {
            let p = try Self.ms(q, 16384)
            #expect(abs(p - measured) / measured < 0.05, "\(q) queries: \(p) ms, measured \(measured)")
        }
    }

    /// Ragged d = 64 with a lone last wave: 1104 queries 0.864 ms, 16320 keys 0.866 (even: 0.727);
    /// paired only, ragged costs nothing (1000 queries 0.437 against 1024's 0.452); d = 128 neither.
    @Test func raggedLoneBlocksWaitForTheirTiles() throws {
        let even = try Self.ms(1152, 16384), raggedRows = try Self.ms(1104, 16384), raggedKeys = try Self.ms(1152, 16320)
        #expect(abs(raggedRows - 0.864) / 0.864 < 0.06, "1104 queries: \(raggedRows) ms")
        #expect(abs(raggedKeys - 0.866) / 0.866 < 0.06, "16320 keys: \(raggedKeys) ms")
        #expect(raggedRows > 1.1 * even)
        let pairedRagged = try Self.ms(1000, 16384), pairedEven = try Self.ms(1024, 16384)
        #expect(pairedRagged <= pairedEven * 1.001)
        #expect(KernelPreset.fa2.traits(headDim: 64).loneBlockWaitsForRaggedTiles)
        #expect(!KernelPreset.fa2.traits(headDim: 128).loneBlockWaitsForRaggedTiles)
        #expect(!KernelPreset.cudnn.traits(headDim: 64).loneBlockWaitsForRaggedTiles)
    }
}
