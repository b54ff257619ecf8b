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

    public static let dense = SpatialSparsity()

    public init(density: Double = 1, block: Int = 1, window: Int? = nil, causal: Bool = false, queries: Int = 1, keys: Int = 1) {
        self.density = min(1, max(0, density)); self.block = max(1, block); self.window = window; self.causal = causal
        self.queries = max(1, queries); self.keys = max(1, keys)
    }

    public var isDense: Bool { density >= 1 && window == nil && !causal }

    /// Fraction of the scores kept (useful work).
    public var keptFraction: Double {
        fraction(rows: 1, keys: 1)
    }

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
