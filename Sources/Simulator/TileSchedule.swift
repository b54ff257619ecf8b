import EinsimCore
import Foundation
import Mapper
import Workloads

/// Which key tiles each query-row block visits, from the mask: counts, the largest count, and
/// how many tiles are only partly kept (they are computed whole and masked).
struct TileSchedule {
    /// Row blocks per (batch, head).
    var rowBlocks: Int
    /// Tiles visited by all row blocks of one (batch, head), summed.
    var totalTiles: Double
    /// Tiles visited by the busiest row block (load imbalance).
    var maxTiles: Double
    /// Partially masked tiles per (batch, head).
    var partialTiles: Double
    /// True when every row block visits the same number of tiles.
    var uniform: Bool
    /// Block-index (metadata) bytes read per (batch, head) for data-dependent selections.
    var indexBytes: Double = 0
    /// True when the last row block of a head visits the most tiles (a causal mask, windowed or
    /// not: the tiles visited grow, or stay, with the row), so a grid that runs row blocks in order
    /// dispatches the busiest last. False for data-dependent and random block selections.
    var heaviestRowBlockLast = false

    /// Schedule for `rows` query rows against `keys` keys. `rowsAtLastPosition`: every row is a
    /// query at the last position (a single query per head, or GQA heads packed into rows).
    /// The ragged last key tile (keys not a multiple of `blockKV`) is partial; with
    /// `masksEveryTileOnRaggedKeys` every visited tile is (see ``KernelTraits/masksEveryTileOnRaggedKeys``).
    init(shape: AttentionShape, rows: Int, keys: Int, blockQ: Int, blockKV: Int, threadBlocksInFlight: Int,
         rowsAtLastPosition: Bool, masksEveryTileOnRaggedKeys: Bool = false) {
        let nq = max(1, ceilDiv(rows, blockQ))
        let nk = max(1, ceilDiv(keys, blockKV))
        rowBlocks = nq
        let decode = rowsAtLastPosition
        // Causal offset: query i sees keys ≤ i + (Lkv − Lq) (bottom-right aligned).
        let offset = keys - shape.qLen
        func window(_ lo: Int, _ hi: Int) -> (Double, Double) {
            // Tiles intersecting keys [lo, hi] and how many of them are partial.
            let a = max(0, lo), b = min(keys - 1, hi)
            guard b >= a else { return (0, 0) }
            let first = a / blockKV, last = b / blockKV
            let count = Double(last - first + 1)
            var partial = 0.0
            if a % blockKV != 0 { partial += 1 }
            if (b + 1) % blockKV != 0 { partial += 1 }  // includes the ragged end of the keys
            return (count, min(count, partial))
        }
        var total = 0.0, maxT = 0.0, partial = 0.0, uniformFlag = true
        switch shape.mask {
        case .dense, .slidingWindow:
            // Causal: a row block sees the keys up to its own (within the window); a symmetric
            // window's last row blocks are lighter, as its first.
            heaviestRowBlockLast = shape.causal
            var w: Int? = nil
            if case let .slidingWindow(win) = shape.mask { w = win }
            if !shape.causal && w == nil {
                total = Double(nq) * Double(nk); maxT = Double(nk)
                if keys % blockKV != 0 { partial = Double(nq) }  // each row block's ragged last tile
            } else if decode {
                // Decode rows all sit at the last position.
                let hi = keys - 1
                let lo = w.map { keys - 1 - $0 } ?? 0
                let (c, p) = window(lo, hi)
                total = c * Double(nq); maxT = c; partial = p * Double(nq)
            } else {
                // Closed form would do; row blocks are few enough (≤ Lq/blockQ) to sum directly
                // only when small; otherwise sample evenly and scale (exact for affine counts).
                let sampleCount = min(nq, 48)
                var sum = 0.0, psum = 0.0, minT = Double.infinity
                for s in 0..<sampleCount {
                    let position: Double = (Double(s) + 0.5) * Double(nq) / Double(sampleCount)
                    let i: Int = sampleCount == nq ? s : min(nq - 1, Int(position))
                    let qLo = i * blockQ, qHi = min(rows, (i + 1) * blockQ) - 1
                    var lo = 0, hi = keys - 1
                    if shape.causal { hi = min(hi, qHi + offset) }
                    if let w { lo = max(lo, qLo - w); hi = min(hi, qHi + w) }
                    var (c, p) = window(lo, hi)
                    // The diagonal band of a causal or windowed tile is partial too.
                    if shape.causal { p = min(c, p + Double(max(1, blockQ / blockKV))) }
                    sum += c; psum += p; maxT = max(maxT, c); minT = min(minT, c)
                }
                let scale = Double(nq) / Double(sampleCount)
                total = sum * scale; partial = psum * scale
                uniformFlag = minT == maxT
            }
        case let .blockSparse(density, block, keepDiagonal):
            let d = min(1, max(0, density))
            // A tile is visited when any mask block it overlaps is kept.
            let blocksPerTile = max(1.0, Double(blockKV) / Double(max(1, block)))
            let pTile = 1 - pow(1 - d, blocksPerTile)
            var mean = Double(nk) * pTile
            if keepDiagonal && !decode { mean = min(Double(nk), mean + (1 - pTile) * max(1, Double(block) / Double(blockKV))) }
            if shape.causal { mean *= 0.5 }
            total = mean * Double(nq)
            if pTile >= 1 && !shape.causal {
                // Everything kept: the dense schedule (its ragged last tiles included).
                let ragged = keys % max(1, blockKV) != 0
                totalTiles = total; maxTiles = mean; uniform = true
                partialTiles = !ragged ? 0 : (masksEveryTileOnRaggedKeys ? total : Double(nq))
                return
            }
            // Busiest row block among those in flight: mean + σ·√(2 ln n) (binomial counts).
            let sigma = (Double(nk) * pTile * (1 - pTile)).squareRoot()
            let n = Double(max(2, threadBlocksInFlight))
            maxT = min(Double(nk), mean + sigma * (2 * log(n)).squareRoot())
            uniformFlag = false
        case let .pattern(pattern):
            let counts = PatternTileCounts(pattern: pattern, shape: shape, rows: rows, keys: keys, blockQ: blockQ,
                                           blockKV: blockKV, threadBlocksInFlight: threadBlocksInFlight,
                                           rowsAtLastPosition: rowsAtLastPosition)
            total = counts.total; maxT = counts.max; partial = counts.partial; uniformFlag = counts.uniform
            indexBytes = counts.indexBytes
        }
        totalTiles = total
        maxTiles = max(maxT, total / Double(nq))
        partialTiles = masksEveryTileOnRaggedKeys && keys % max(1, blockKV) != 0 ? total : partial
        uniform = uniformFlag
    }
}

/// Time for `blocks` thread blocks of `work` seconds each (or uneven work summing to `total` with
/// largest `largest`) on `processors`: wave quantization for even work, a list-scheduling tail
/// for uneven work. `largestLast`: the busiest block is dispatched last (a grid whose row blocks
/// run in order, lightest first): it starts once the rest is spread over the processors and runs
/// alone, its work stretched by `aloneStretch` (a lone block's lower issue efficiency).
///
/// Even work with `resident` blocks per processor: the full waves run `resident` blocks side by
/// side; a last wave of at most one block per processor runs them alone, stretched by
/// `tailStretch` (nil: `aloneStretch`).
func makespan(blocks: Int, total: Double, largest: Double, uniform: Bool, processors: Int,
              largestLast: Bool = false, aloneStretch: Double = 1, tailStretch: Double? = nil, resident: Int = 1) -> Double {
    guard blocks > 0 else { return 0 }
    let p = Double(max(1, processors))
    if uniform {
        let perBlock = total / Double(blocks)
        let slots = max(1, processors) * max(1, resident)
        let fullWaves = blocks / slots, tail = blocks - fullWaves * slots
        if resident > 1, tail > 0, tail <= max(1, processors) {
            return (Double(fullWaves * resident) + (tailStretch ?? aloneStretch)) * perBlock
        }
        let waves = (Double(blocks) / p).rounded(.up)
        return waves * perBlock
    }
    if Double(blocks) <= p { return largest * (largestLast ? aloneStretch : 1) }
    if largestLast {
        return max(total / p, max(0, total - largest) / p + largest * aloneStretch)
    }
    return max(largest, total / p + 0.5 * largest)
}
