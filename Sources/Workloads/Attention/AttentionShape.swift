import EinsimCore

/// The shape of one attention call: what a kernel is asked to compute.
///
/// Ranks follow the cascade files: `b` batch, `h` query heads (sharing `kvHeads` key/value heads),
/// `p` queries (`qLen`), `m` keys (`kvLen`), `e` = `headDim` (Q·K), `f` = `valueDim` (P·V).
public struct AttentionShape: Sendable, Hashable, Codable {
    public var batch: Int
    public var heads: Int
    public var kvHeads: Int
    public var qLen: Int
    public var kvLen: Int
    public var headDim: Int
    public var valueDim: Int
    public var causal: Bool
    /// Which (query block × key block) tiles are kept.
    public var mask: MaskModel

    public init(batch: Int, heads: Int, kvHeads: Int? = nil, qLen: Int, kvLen: Int? = nil,
                headDim: Int, valueDim: Int? = nil, causal: Bool = false, mask: MaskModel = .dense) {
        self.batch = batch; self.heads = heads; self.kvHeads = kvHeads ?? heads
        self.qLen = qLen; self.kvLen = kvLen ?? qLen; self.headDim = headDim
        self.valueDim = valueDim ?? headDim; self.causal = causal; self.mask = mask
    }

    /// Query heads per key/value head (GQA group size; 1 for MHA).
    public var groupSize: Int { max(1, heads / max(1, kvHeads)) }

    /// True for single-token (or few-token) generation: memory-bound KV streaming.
    public var isDecode: Bool { qLen <= 16 && kvLen > qLen }

    /// Fraction of the Lq × Lkv score matrix that the mask (causal included) keeps.
    public var keptFraction: Double {
        let q = Double(qLen), k = Double(kvLen)
        var kept = mask.keptFraction(qLen: qLen, kvLen: kvLen)
        if causal {
            // Bottom-right aligned causal mask: query i sees keys ≤ i + (Lkv − Lq).
            let offset = k - q
            // With more queries than keys the first q − k queries see no key and the rest see
            // 1 … k keys.
            let visible = offset >= 0 ? q * offset + q * (q + 1) / 2 : k * (k + 1) / 2
            kept *= min(1, visible / (q * k))
        }
        return kept
    }

    /// Score elements actually computed (b·h·Lq·Lkv·kept).
    public var keptScores: Double {
        Double(batch) * Double(heads) * Double(qLen) * Double(kvLen) * keptFraction
    }

    /// FLOPs by the usual convention 2·b·h·Lq·Lkv·(e+f)·kept (4·…·d for e = f = d).
    public var flops: Double { 2 * keptScores * Double(headDim + valueDim) }

    /// Bytes of Q, K, V read and O written once at `elementBytes` each (the compulsory traffic).
    public func compulsoryBytes(elementBytes: Double = 2) -> Double {
        let b = Double(batch)
        let q = b * Double(heads) * Double(qLen) * Double(headDim)
        let o = b * Double(heads) * Double(qLen) * Double(valueDim)
        let kv = b * Double(kvHeads) * Double(kvLen) * Double(headDim + valueDim)
        return (q + o + kv) * elementBytes
    }
}

extension AttentionShape {
    /// Largest product of shape factors the engines accept (thread-block counts and element
    /// counts stay exact in Int and Double).
    public static let maximumProduct: Int = 1 << 52

    /// Checks that every size is positive, heads divide into KV heads, and the products the
    /// engines form (batch × heads × length, batch × kv-heads × length × dim) cannot overflow.
    public func validate() throws {
        let fields = [("batch", batch), ("heads", heads), ("kv-heads", kvHeads), ("q-len", qLen), ("kv-len", kvLen),
                      ("head-dim", headDim), ("value-dim", valueDim)]
        for (name, value) in fields where value <= 0 {
            throw SimpleInputError("\(name) must be positive, got \(value)")
        }
        switch mask {
        case .dense, .pattern: break
        case let .blockSparse(density, block, _):
            guard density > 0, density <= 1, density.isFinite else { throw SimpleInputError("block-sparse density must be in (0, 1], got \(density)") }
            guard block >= 1, block <= 1 << 20 else { throw SimpleInputError("block-sparse block must be in 1…2^20, got \(block)") }
        case let .slidingWindow(window):
            guard window >= 0 else { throw SimpleInputError("sliding-window window must be ≥ 0, got \(window)") }
        }
        guard heads % kvHeads == 0 else {
            throw SimpleInputError("heads (\(heads)) must be a multiple of kv-heads (\(kvHeads))")
        }
        func product(_ xs: [Int]) -> Int? {
            var p = 1
            for x in xs {
                let (r, overflow) = p.multipliedReportingOverflow(by: x)
                guard !overflow, r <= Self.maximumProduct else { return nil }
                p = r
            }
            return p
        }
        guard product([batch, heads, qLen, max(headDim, valueDim)]) != nil,
              product([batch, kvHeads, kvLen, max(headDim, valueDim)]) != nil,
              product([batch, heads, qLen]) != nil, product([batch, heads, kvLen]) != nil else {
            throw SimpleInputError("the workload is too large to simulate (batch × heads × length × dim beyond 2^52)",
                                   suggestion: "use smaller sizes; sweeps can step through the range")
        }
    }
}
