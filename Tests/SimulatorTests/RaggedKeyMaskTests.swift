@testable import Einsim
import Mapper
@testable import Simulator
import Testing

/// Key lengths off the key tile's grid (H200, 2026-12-02, Calibration/h200_round5_probe.py,
/// results/h200-round5-probe-2026-12-02.jsonl): cuDNN's sm90 prefill kernel then masks every key
/// tile it computes; FA2 masks only the ragged last one.
@Suite struct RaggedKeyMaskTests {
    static func shape(q: Int, keys: Int, heads: Int = 32, kvHeads: Int = 8) -> AttentionShape {
        AttentionShape(batch: 1, heads: heads, kvHeads: kvHeads, qLen: q, kvLen: keys, headDim: 128, causal: false)
    }

    @Test func raggedKeysMakeTheLastTileOrEveryTilePartial() {
        let shape = Self.shape(q: 512, keys: 8400)
        let tail = TileSchedule(shape: shape, rows: 512, keys: 8400, blockQ: 128, blockKV: 128, threadBlocksInFlight: 132,
                                rowsAtLastPosition: false)
        #expect(tail.totalTiles == 4 * 66)
        #expect(tail.partialTiles == 4, "one ragged tile per row block")
        let every = TileSchedule(shape: shape, rows: 512, keys: 8400, blockQ: 128, blockKV: 128, threadBlocksInFlight: 132,
                                 rowsAtLastPosition: false, masksEveryTileOnRaggedKeys: true)
        #expect(every.partialTiles == every.totalTiles)
        let aligned = TileSchedule(shape: Self.shape(q: 512, keys: 8320), rows: 512, keys: 8320, blockQ: 128, blockKV: 128,
                                   threadBlocksInFlight: 132, rowsAtLastPosition: false, masksEveryTileOnRaggedKeys: true)
        #expect(aligned.partialTiles == 0)
        // Density 1.0 block-sparse is the dense schedule, ragged tiles included.
        var full = shape
        full.mask = .blockSparse(density: 1.0, block: 128, keepDiagonal: false)
        let sparse = TileSchedule(shape: full, rows: 512, keys: 8400, blockQ: 128, blockKV: 128, threadBlocksInFlight: 132,
                                  rowsAtLastPosition: false, masksEveryTileOnRaggedKeys: true)
        #expect(sparse.partialTiles == every.partialTiles && sparse.totalTiles == every.totalTiles)
    }

    /// Measured: 16 queries over 8192 / 8320 / 8400 keys (64 / 65 / 66 tiles) 99.8 / 101.3 / 114.3 us
    /// on cuDNN. The ragged 66th tile costs cuDNN far more than a tile's share; FA2 only its tail.
    @Test func cudnnPaysOnEveryTileFA2OnlyOnTheTail() throws {
        func ms(_ keys: Int, _ preset: KernelPreset) throws -> Double {
            try Fixtures.simulate(Self.shape(q: 16, keys: keys), preset, on: "nvidia-h200-sxm").latencySeconds * 1e3
        }
        let cudnnStep = try ms(8400, .cudnn) / ms(8320, .cudnn)
        #expect(cudnnStep > 1.05, "cuDNN 8400 vs 8320 keys: x\(cudnnStep) (measured x1.128)")
        let flashStep = try ms(8400, .fa2) / ms(8320, .fa2)
        #expect(flashStep < 1.03, "FA2 8400 vs 8320 keys: x\(flashStep)")
        #expect(KernelPreset.cudnn.traits(headDim: 128).masksEveryTileOnRaggedKeys)
        #expect(!KernelPreset.fa2.traits(headDim: 128).masksEveryTileOnRaggedKeys)
    }

    /// The probe's cuDNN rows on ragged keys: median within 5%, each within 12% (they were 4-11%
    /// fast before the mechanism; the same shape repeats 4-7% apart between passes).
    @Test func probeRowsOnRaggedKeys() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-round5-probe-2026-12-02.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        let ragged = report.rows.filter {
            $0.input["backend"]?.string == "cudnn" && Int($0.input["Lkv"]?.number ?? 0) % 128 != 0
        }
        let errors = ragged.compactMap { $0.latencyAPE }
        #expect(errors.count >= 16)
        #expect(errors.sorted()[errors.count / 2] < 5, "errors % \(errors)")
        #expect(errors.allSatisfy { $0 < 12 }, "errors % \(errors)")
    }
}
