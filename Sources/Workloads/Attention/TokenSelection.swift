import EinsimCore
/// Decode-time token selection from the KV cache (Double Sparsity, Quest-like pages,
/// RazorAttention): which keys a decode step reads, and at what gather granularity.
public struct TokenSelection: Sendable, Hashable, Codable {
    /// Fraction of the cached tokens selected per (batch, KV head) by the scorer.
    public var tokenFraction: Double
    /// Tokens per gathered page (1 = token-level gather; a page is read whole).
    public var pageTokens: Int
    /// Fraction of the head dimension the scorer reads (Double Sparsity's r/d; 1 = all channels).
    public var channelFraction: Double
    /// Heads that keep the whole cache (RazorAttention's retrieval heads); the others read only
    /// `localWindow` recent tokens plus `sinkTokens` first tokens.
    public var fullHeadFraction: Double
    public var localWindow: Int
    public var sinkTokens: Int
    /// DRAM access granularity in bytes (NVIDIA L2 sector: 32 B); a gathered row costs whole sectors.
    public var sectorBytes: Int

    public init(tokenFraction: Double, pageTokens: Int = 1, channelFraction: Double = 1,
                fullHeadFraction: Double = 0, localWindow: Int = 0, sinkTokens: Int = 0, sectorBytes: Int = 32) {
        self.tokenFraction = tokenFraction; self.pageTokens = max(1, pageTokens)
        self.channelFraction = channelFraction; self.fullHeadFraction = fullHeadFraction
        self.localWindow = max(0, localWindow); self.sinkTokens = max(0, sinkTokens)
        self.sectorBytes = max(1, sectorBytes)
    }

    /// True when a scorer picks tokens from data (not a static window/retrieval-head split).
    public var isDynamic: Bool { fullHeadFraction == 0 }

    /// Tokens read per (batch, KV head) on average, page rounding included.
    public func tokensRead(kvLen: Int) -> Double {
        let l = Double(kvLen)
        if !isDynamic {
            let local = min(l, Double(localWindow + sinkTokens))
            return fullHeadFraction * l + (1 - fullHeadFraction) * local
        }
        let selected = min(l, (tokenFraction * l).rounded(.up))
        let pages = (selected / Double(pageTokens)).rounded(.up)
        return min(l, pages * Double(pageTokens))
    }

    /// Fraction of the cache's keys kept by the selection.
    public func keptFraction(kvLen: Int) -> Double {
        tokensRead(kvLen: kvLen) / Double(max(1, kvLen))
    }

    /// Spec fragment.
    public var spec: String {
        if !isDynamic { return "retrieval=\(fullHeadFraction),window=\(localWindow),sink=\(sinkTokens)" }
        var s = "tokens=\(tokenFraction)"
        if pageTokens > 1 { s += ",page=\(pageTokens)" }
        if channelFraction < 1 { s += ",channels=\(channelFraction)" }
        return s
    }
}
