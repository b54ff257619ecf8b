import EinsimCore
import Foundation
import Workloads

/// Tile counts of a `SparsePattern` for one (batch, head): which key tiles each query-row block
/// visits, derived from the pattern's geometry and the kernel's tile shape.
///
/// Structured parts (neighborhood on a row-major 1/2/3-D grid, sink, stripes) are walked exactly
/// for evenly spaced sample row blocks: every query's kept keys are intervals of the linear key
/// index, and a tile is partial when some query of the block keeps only part of it (it is computed
/// whole and masked). Data-dependent selections add, among the tiles not already visited, the
/// expected number of tiles that hold a kept mask block: scattered blocks smaller than the key
/// tile waste the rest of the tile; contiguous (permuted) blocks fill whole tiles. Top-k keeps the
/// same count in every row block; top-p varies binomially; per-head budgets differ by head.
struct PatternTileCounts {
    var total: Double = 0
    var max: Double = 0
    var partial: Double = 0
    var uniform: Bool = true
    /// Block-index bytes read per (batch, head): 4 B per selected tile plus a count per row block.
    var indexBytes: Double = 0

    init(pattern: SparsePattern, shape: AttentionShape, rows: Int, keys: Int, blockQ: Int, blockKV: Int,
         threadBlocksInFlight: Int, rowsAtLastPosition: Bool) {
        let nq = Swift.max(1, (rows + blockQ - 1) / blockQ)
        let nk = Swift.max(1, (keys + blockKV - 1) / blockKV)
        if let decode = pattern.decode {
            let tiles = Swift.min(Double(nk), (decode.tokensRead(kvLen: keys) / Double(blockKV)).rounded(.up))
            total = tiles * Double(nq); max = tiles; uniform = decode.isDynamic
            indexBytes = decode.isDynamic ? decode.tokensRead(kvLen: keys) / Double(decode.pageTokens) * 4 : 0
            return
        }
        let decodeRows = rowsAtLastPosition
        let offset = Swift.max(0, keys - shape.qLen)
        // Without a local window or a causal limit every row block keeps the same structure (sink,
        // stripes): one sample stands for all of them.
        let identicalRows = pattern.local == nil && !shape.causal
        let samples = identicalRows ? 1 : Swift.min(nq, 24)
        let densities: [Double] = {
            if case let .headBudgets(ds) = pattern.selection, !ds.isEmpty { return ds.map { Swift.min(1, Swift.max(0, $0)) } }
            return [pattern.selectionDensity(kvLen: keys)]
        }()
        // Sparse per-tile bookkeeping (dictionaries keyed by tile), so the cost follows the
        // pattern's structure, not the sequence length: kept scores at interval ends, and a
        // difference map of tiles kept whole by one query.
        var covered: [Int: Double] = [:]
        var fullTiles: [Int: Double] = [:]
        var sum = 0.0, psum = 0.0, isum = 0.0, maxT = 0.0, minT = Double.infinity
        for s in 0..<samples {
            let i = samples == nq ? s : Swift.min(nq - 1, Int((Double(s) + 0.5) * Double(nq) / Double(samples)))
            let qLo = i * blockQ, qHi = Swift.min(rows, (i + 1) * blockQ) - 1
            covered.removeAll(keepingCapacity: true)
            fullTiles.removeAll(keepingCapacity: true)
            var hasStructure = false
            // Marks keys [a, b] as kept by one query (clamped to the causal limit `limit`).
            // `weight` queries keep the same keys (marks shared by a whole row block).
            func mark(_ a: Int, _ b: Int, _ limit: Int, weight: Double = 1) {
                let lo = Swift.max(0, a), hi = Swift.min(b, limit, keys - 1)
                guard hi >= lo else { return }
                hasStructure = true
                let first = lo / blockKV, last = hi / blockKV
                if first == last { covered[first, default: 0] += weight * Double(hi - lo + 1); return }
                covered[first, default: 0] += weight * Double((first + 1) * blockKV - lo)
                covered[last, default: 0] += weight * Double(hi - last * blockKV + 1)
                if last > first + 1 { fullTiles[first + 1, default: 0] += weight; fullTiles[last, default: 0] -= weight }
            }
            let extents = pattern.local.map { $0.extents(tokens: keys) } ?? []
            for r in qLo...Swift.max(qLo, qHi) {
                let position = decodeRows ? keys - 1 : Swift.min(keys - 1, r + offset)
                let limit = shape.causal ? position : keys - 1
                if pattern.sinkTokens > 0 { mark(0, pattern.sinkTokens - 1, limit) }
                if pattern.stripeColumns > 0 {
                    if pattern.scattered {
                        // Marked once for the whole row block below (every query keeps the same columns).
                    } else {
                        mark(pattern.sinkTokens, pattern.sinkTokens + pattern.stripeColumns - 1, limit)
                    }
                }
                if let local = pattern.local { markNeighborhood(local, extents: extents, position: position, limit: limit, mark: { mark($0, $1, $2) }) }
            }
            if pattern.stripeColumns > 0 && pattern.scattered {
                let spacing = Swift.max(1, keys / pattern.stripeColumns)
                let rows = Double(Swift.max(1, qHi - qLo + 1))
                let lastPosition = decodeRows ? keys - 1 : Swift.min(keys - 1, qHi + offset)
                let limit = shape.causal ? lastPosition : keys - 1
                for c in 0..<Swift.min(pattern.stripeColumns, keys) { mark(c * spacing, c * spacing, limit, weight: rows) }
            }
            // Count visited tiles of the structured parts and which are partial: sweep the event
            // points (tiles with interval ends or changes in the whole-tile count) in order.
            var structural = 0.0, partial = 0.0
            let rowCount = Double(Swift.max(1, qHi - qLo + 1))
            let causalLimit = decodeRows ? keys - 1 : Swift.min(keys - 1, qHi + offset)
            var allowed = shape.causal ? Double(Swift.min(nk, causalLimit / blockKV + 1)) : Double(nk)
            func tileKeys(_ t: Int) -> Double { Double(Swift.min(keys, (t + 1) * blockKV) - t * blockKV) }
            let events = Set(covered.keys).union(fullTiles.keys).sorted()
            var running = 0.0
            for (index, t) in events.enumerated() {
                running += fullTiles[t] ?? 0
                // Tile t itself (may carry interval ends).
                let kept = (covered[t] ?? 0) + running * tileKeys(t)
                if kept > 0 {
                    structural += 1
                    if kept < rowCount * tileKeys(t) - 0.5 { partial += 1 }
                }
                // Tiles strictly between this event and the next: only whole-tile coverage.
                let next = index + 1 < events.count ? events[index + 1] : nk
                let between = Double(Swift.max(0, Swift.min(next, nk) - t - 1))
                if running > 0 && between > 0 {
                    structural += between
                    if running < rowCount - 0.5 { partial += between }
                }
            }
            if shape.causal && !hasStructure && pattern.selection == .none { allowed = 0 }
            // Data-dependent selection among the tiles not yet visited.
            var rowTotal = 0.0, rowMax = 0.0, rowPartial = 0.0, rowIndex = 0.0
            for d in densities {
                let (tiles, partialTiles, spread) = selectedTiles(pattern: pattern, density: d, free: Swift.max(0, allowed - structural),
                                                                  keys: keys, blockQ: blockQ, blockKV: blockKV)
                rowTotal += structural + tiles
                rowPartial += partial + partialTiles
                rowIndex += tiles
                let n = Double(Swift.max(2, threadBlocksInFlight))
                rowMax = Swift.max(rowMax, Swift.min(allowed, structural + tiles + spread * (2 * log(n)).squareRoot()))
            }
            let k = Double(densities.count)
            let rowMean = rowTotal / k
            sum += rowMean; psum += rowPartial / k; isum += (rowIndex / k + 1) * 4
            maxT = Swift.max(maxT, rowMax, rowMean); minT = Swift.min(minT, rowMean)
        }
        let scale = Double(nq) / Double(samples)
        total = sum * scale; partial = psum * scale; indexBytes = pattern.selection == .none ? 0 : isum * scale
        max = maxT
        // Row blocks differ when heads have different budgets or a threshold keeps a varying count.
        var variable = Set(densities).count > 1
        if case .topP = pattern.selection, densities.contains(where: { $0 < 1 }) { variable = true }
        uniform = !variable && minT == maxT
    }

    /// Expected selected tiles among `free` unvisited tiles of one row block, how many of them
    /// are partial, and the standard deviation of the count across row blocks.
    private func selectedTiles(pattern: SparsePattern, density d: Double, free: Double, keys: Int,
                               blockQ: Int, blockKV: Int) -> (Double, Double, Double) {
        guard d > 0, free > 0 else { return (0, 0, 0) }
        let b = Double(pattern.block)
        if !pattern.scattered {
            // Permuted so the row block's kept keys are contiguous: whole tiles, one ragged edge.
            let keptKeys = d * Double(keys)
            let tiles = Swift.min(free, (keptKeys / Double(blockKV)).rounded(.up))
            let ragged = keptKeys.truncatingRemainder(dividingBy: Double(blockKV)) > 0.5 ? 1.0 : 0.0
            return (tiles, ragged, 0)
        }
        // Independent mask blocks: a tile is visited when any of the mask blocks it overlaps, for
        // any of the mask rows the row block spans, is kept.
        let alongKeys = Swift.max(1, Double(blockKV) / b)
        let alongRows = Swift.max(1, Double(blockQ) / b)
        var spread = 0.0
        let pTile = 1 - pow(1 - d, alongKeys * alongRows)
        var tiles = free * pTile
        if case .topK = pattern.selection {
            // Exactly k blocks per mask row: no spread when one mask row covers the row block.
            spread = alongRows > 1 ? (free * pTile * (1 - pTile)).squareRoot() : 0
        } else {
            spread = (free * pTile * (1 - pTile)).squareRoot()
        }
        tiles = Swift.min(free, tiles)
        // A visited tile is partial unless every (row × key) mask block in it is kept.
        let partial = b < Double(blockKV) || b < Double(blockQ) ? tiles * (1 - pow(d, alongKeys * alongRows)) : 0
        return (tiles, partial, spread)
    }

    /// Marks the keys a query at linear `position` keeps in a row-major neighborhood.
    private func markNeighborhood(_ g: NeighborhoodGeometry, extents: [Int], position: Int, limit: Int,
                                  mark: (Int, Int, Int) -> Void) {
        let dims = extents.count
        guard dims > 0 else { return }
        var coordinate = [Int](repeating: 0, count: dims)
        var rest = position
        for i in stride(from: dims - 1, through: 0, by: -1) { coordinate[i] = rest % extents[i]; rest /= extents[i] }
        let windows = (0..<dims).map { g.window(dimension: $0, extent: extents[$0], coordinate: coordinate[$0]) }
        var strides = [Int](repeating: 1, count: dims)
        for i in stride(from: dims - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * extents[i + 1] }
        // Walk the outer dimensions' kept coordinates; the innermost is one interval (dilation 1) or points.
        func walk(_ i: Int, _ base: Int) {
            let w = windows[i]
            if i == dims - 1 {
                if w.dilation == 1 {
                    mark(base + w.start, base + w.start + w.count - 1, limit)
                } else {
                    for j in 0..<w.count { let k = base + w.residue + w.dilation * (w.start + j); mark(k, k, limit) }
                }
                return
            }
            for j in 0..<w.count { walk(i + 1, base + (w.residue + w.dilation * (w.start + j)) * strides[i]) }
        }
        walk(0, 0)
    }
}

/// Kept tiles of a structured pattern (neighborhoods on a token grid, stripes, sinks) at a given
/// tile size, for targets that skip whole tiles (spatial arrays).
public enum PatternTiles {
    /// Fraction of the (rows × keys) tiles of `shape`'s score matrix that hold a kept score.
    public static func keptFraction(pattern: SparsePattern, shape: AttentionShape, rows: Int, keys: Int) -> Double {
        let r = Swift.max(1, Swift.min(rows, shape.qLen)), k = Swift.max(1, Swift.min(keys, shape.kvLen))
        let counts = PatternTileCounts(pattern: pattern, shape: shape, rows: shape.qLen, keys: shape.kvLen, blockQ: r, blockKV: k,
                                       threadBlocksInFlight: 1, rowsAtLastPosition: false)
        let nq = Double((shape.qLen + r - 1) / r), nk = Double((shape.kvLen + k - 1) / k)
        return Swift.min(1, Swift.max(0, counts.total / Swift.max(1, nq * nk)))
    }
}
