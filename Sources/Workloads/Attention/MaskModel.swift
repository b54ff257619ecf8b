import EinsimCore
/// A model of which (query-block × key-block) tiles of the score matrix an attention variant keeps.
///
/// Sparse variants are cascades whose iteration space carries one of these; the mapper turns it
/// into per-tile work (kept tiles, partially masked tiles, per-row imbalance, index traffic).
public enum MaskModel: Sendable, Hashable, Codable {
    /// Every score is computed.
    case dense
    /// Blocks of `block`×`block` scores kept with probability `density` (per head, per query
    /// block, independently; the diagonal block is always kept when `keepDiagonal`).
    case blockSparse(density: Double, block: Int, keepDiagonal: Bool)
    /// Keep |q − k| ≤ `window` (1-D neighborhood); partially masked tiles along the band edges.
    case slidingWindow(window: Int)
    /// A structured / predicted sparse pattern (neighborhoods, top-k, per-head budgets, sinks,
    /// stripes, decode token selection); see `SparsePattern`.
    case pattern(SparsePattern)

    /// Fraction of the score matrix kept (before any causal mask).
    public func keptFraction(qLen: Int, kvLen: Int) -> Double {
        switch self {
        case .dense:
            return 1
        case let .blockSparse(density, _, _):
            return min(1, max(0, density))
        case let .slidingWindow(window):
            let q = Double(qLen), k = Double(kvLen), w = Double(max(0, window))
            // Count pairs (i, j) with |i − j| ≤ w for i < q, j < k (square-ish case, exact for q == k).
            let n = min(q, k)
            let we = min(w, max(0, n - 1))  // a window past the sequence keeps everything
            let band = n * (2 * we + 1) - we * (we + 1)
            return min(1, max(0, band) / (q * k))
        case let .pattern(p):
            return p.keptFraction(qLen: qLen, kvLen: kvLen)
        }
    }

    /// A short spec string (`dense`, `block-sparse:density=0.1,block=128`, …).
    public var spec: String {
        switch self {
        case .dense: return "dense"
        case let .blockSparse(d, b, _): return "block-sparse:density=\(d),block=\(b)"
        case let .slidingWindow(w): return "sliding-window:window=\(w)"
        case let .pattern(p): return p.spec
        }
    }
}
