import EinsimCore
/// A structured or data-dependent sparse attention pattern: the union of a local neighborhood,
/// blocks picked per query block by a predictor, a first-frame sink, vertical stripes (global key
/// columns), and — in decode — tokens gathered from the KV cache.
///
/// The kept set is what the attention kernel computes; what it costs to decide it (the predictor)
/// is a separate cascade. Tile-level effects (partially masked tiles computed whole, per-row-block
/// imbalance, index traffic) are derived from this description and the kernel's tile shape.
public struct SparsePattern: Sendable, Hashable, Codable {
    /// How key blocks are chosen per query block.
    public enum Selection: Sendable, Hashable, Codable {
        /// No data-dependent blocks (only the structured parts).
        case none
        /// A fixed number of key blocks per query block (top-k): every row block keeps the same count.
        case topK(blocksPerRow: Int)
        /// Blocks kept until a cumulative score threshold (top-p): the count varies by row with mean
        /// fraction `density` (binomial spread across row blocks).
        case topP(density: Double)
        /// A budget per head (densities cycle over heads): heads differ, so row blocks are imbalanced.
        case headBudgets([Double])
    }

    public var selection: Selection
    /// Mask block size in tokens (query and key side).
    public var block: Int
    public var local: NeighborhoodGeometry?
    /// First tokens every query keeps (first-frame sink).
    public var sinkTokens: Int
    /// Global key columns every query keeps (vertical stripes).
    public var stripeColumns: Int
    /// True when kept blocks/columns are scattered over the key sequence; false when a token
    /// permutation made them contiguous (whole kernel tiles).
    public var scattered: Bool
    /// Decode-time token selection (replaces the tile schedule in decode).
    public var decode: TokenSelection?

    public init(selection: Selection = .none, block: Int = 128, local: NeighborhoodGeometry? = nil,
                sinkTokens: Int = 0, stripeColumns: Int = 0, scattered: Bool = true, decode: TokenSelection? = nil) {
        self.selection = selection; self.block = max(1, block); self.local = local
        self.sinkTokens = max(0, sinkTokens); self.stripeColumns = max(0, stripeColumns)
        self.scattered = scattered; self.decode = decode
    }

    /// Mean fraction of key blocks the selection keeps per query block (0 when none).
    public func selectionDensity(kvLen: Int) -> Double {
        let blocks = Double(max(1, (kvLen + block - 1) / block))
        switch selection {
        case .none: return 0
        case let .topK(k): return min(1, Double(max(0, k)) / blocks)
        case let .topP(d): return min(1, max(0, d))
        case let .headBudgets(ds): return ds.isEmpty ? 0 : ds.map { min(1, max(0, $0)) }.reduce(0, +) / Double(ds.count)
        }
    }

    /// Density of the selection for head `h` (per-head budgets cycle over heads).
    public func selectionDensity(head h: Int, kvLen: Int) -> Double {
        if case let .headBudgets(ds) = selection, !ds.isEmpty { return min(1, max(0, ds[h % ds.count])) }
        return selectionDensity(kvLen: kvLen)
    }

    /// Fraction of the score matrix kept: exact for each part; parts combined as independent sets
    /// (1 − Π(1 − f)), which is exact when only one part is present.
    public func keptFraction(qLen: Int, kvLen: Int) -> Double {
        if let decode { return decode.keptFraction(kvLen: kvLen) }
        let k = Double(max(1, kvLen))
        var parts: [Double] = [selectionDensity(kvLen: kvLen), min(1, Double(sinkTokens) / k), min(1, Double(stripeColumns) / k)]
        if let local { parts.append(local.keptFraction(tokens: kvLen)) }
        return min(1, max(0, 1 - parts.reduce(1) { $0 * (1 - $1) }))
    }

    /// Spec string fragment (for reports).
    public var spec: String {
        var items: [String] = []
        switch selection {
        case .none: break
        case let .topK(k): items.append("keep=\(k)")
        case let .topP(d): items.append("density=\(d)")
        case let .headBudgets(ds): items.append("densities=" + ds.map { "\($0)" }.joined(separator: "/"))
        }
        if selection != .none { items.append("block=\(block)") }
        if let local { items.append(local.spec) }
        if sinkTokens > 0 { items.append("sink=\(sinkTokens)") }
        if stripeColumns > 0 { items.append("stripes=\(stripeColumns)") }
        if !scattered { items.append("layout=contiguous") }
        if let decode { items.append(decode.spec) }
        return "pattern:" + items.joined(separator: ",")
    }
}
