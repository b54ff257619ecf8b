import Foundation

/// Which (query, key) tiles of the score matrix a spatial mapping may skip, from the call's mask:
/// a tile of rows × keys is computed when any score in it is kept, so skipped tiles are skipped
/// array work, skipped K/V reads and skipped iterations — at the granularity of the mapping's
/// tiles, which the mapper therefore trades against array utilization.
public struct SpatialSparsity: Sendable, Hashable {
    /// Blocks of `block` × `block` scores kept independently with probability `density` (a random
    /// block mask or a data-dependent block selection: top-k, top-p, per-head budgets).
    public var density: Double = 1
    public var block: Int = 1
    /// A band |q − k| ≤ window (sliding window); nil when none.
    public var window: Int?
    /// Causal: keys after the query are masked.
    public var causal = false
    /// Query and key lengths (for the band and causal geometry).
    public var queries: Int = 1
    public var keys: Int = 1
    /// Kept-tile fractions of a structured pattern (grid neighborhoods, stripes, sinks; causal
    /// included), counted on the pattern's geometry at each tile size the search asks for (nil
    /// for the closed forms above). Tile sizes are rounded up to a power of two (a larger tile
    /// keeps at least as large a fraction, so the cost stays an upper bound of the work).
    public var measured: MeasuredTiles?

    /// Counts a structured pattern's kept tiles on demand, once per tile size (thread-safe).
    public final class MeasuredTiles: @unchecked Sendable, Hashable {
        private let count: @Sendable (Int, Int) -> Double
        private let lock = NSLock()
        private var cache: [Int: Double] = [:]
        /// Smallest tile side measured (smaller tiles take its fraction).
        public let minimumSide: Int

        public init(minimumSide: Int = 64, count: @escaping @Sendable (_ rows: Int, _ keys: Int) -> Double) {
            self.count = count; self.minimumSide = max(1, minimumSide)
        }

        func fraction(rows: Double, keys: Double, queries: Int, totalKeys: Int) -> Double {
            func side(_ x: Double, _ n: Int) -> Int {
                var s = minimumSide
                while Double(s) < x && s < n { s *= 2 }
                return min(s, max(n, 1))
            }
            let r = side(rows, queries), k = side(keys, totalKeys)
            let key = r &* 1_000_003 &+ k
            lock.lock()
            if let known = cache[key] { lock.unlock(); return known }
            lock.unlock()
            let value = count(r, k)
            lock.lock(); cache[key] = value; lock.unlock()
            return value
        }

        public static func == (a: MeasuredTiles, b: MeasuredTiles) -> Bool { a === b }
        public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    }

    public static let dense = SpatialSparsity()

    public init(density: Double = 1, block: Int = 1, window: Int? = nil, causal: Bool = false, queries: Int = 1, keys: Int = 1) {
        self.density = min(1, max(0, density)); self.block = max(1, block); self.window = window; self.causal = causal
        self.queries = max(1, queries); self.keys = max(1, keys)
    }

    public var isDense: Bool { density >= 1 && window == nil && !causal && measured == nil }

    /// Fraction of the scores kept (useful work).
    public var keptFraction: Double {
        measured != nil ? measuredScoreFraction : fraction(rows: 1, keys: 1)
    }
    /// The kept fraction of the scores themselves when the tiles are measured (the mask's own).
    public var measuredScoreFraction: Double = 1

    /// Fraction of tiles of `rows` × `keys` scores with at least one kept score (computed tiles).
    public func tileFraction(rows: Double, keys tileKeys: Double) -> Double {
        fraction(rows: rows, keys: tileKeys)
    }

    /// Fraction of key tiles of `keys` keys a block of `rows` queries needs (K/V reads).
    public func keyTileFraction(rows: Double, keys tileKeys: Double) -> Double {
        fraction(rows: rows, keys: tileKeys)
    }

    private func fraction(rows: Double, keys tileKeys: Double) -> Double {
        guard !isDense else { return 1 }
        let l = Double(keys), r = max(1, rows), k = max(1, tileKeys)
        var f = 1.0
        if let measured {
            f *= measured.fraction(rows: r, keys: k, queries: queries, totalKeys: keys)
        }
        if density < 1 {
            let blocks = (r / Double(block)).rounded(.up) * (k / Double(block)).rounded(.up)
            f *= 1 - Foundation.pow(1 - density, blocks)
        }
        if let window {
            // Tiles meeting the band: a row block spans 2W + r keys, so (2W + r + k) / L of its tiles.
            f *= min(1, (2 * Double(window) + r + k) / l)
        }
        if causal {
            // On or below the diagonal: half the tiles plus the diagonal strip.
            f *= min(1, 0.5 + (r + k) / (2 * l))
        }
        return min(1, max(0, f))
    }
}
