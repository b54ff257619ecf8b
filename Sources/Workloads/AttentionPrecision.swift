import EinsimCore

/// Per-tensor precisions of an attention call: Q·K operands, P·V operands and the KV cache.
public struct AttentionPrecision: Sendable, Hashable {
    /// Precision of Q and K in the Q·K product (SageAttention2: int4; FP8 attention: fp8).
    public var qk: Precision = .bf16
    /// Precision of P and V in the P·V product (SageAttention2: fp8).
    public var pv: Precision = .bf16
    /// Bits per cached K/V element (16 = unquantized bf16).
    public var kvCacheBits: Int = 16
    /// Elements sharing one (fp16 scale, fp16 zero point) pair in the quantized KV cache.
    public var kvCacheGroup: Int = 128

    public init(qk: Precision = .bf16, pv: Precision = .bf16, kvCacheBits: Int = 16, kvCacheGroup: Int = 128) {
        self.qk = qk; self.pv = pv; self.kvCacheBits = kvCacheBits; self.kvCacheGroup = kvCacheGroup
    }

    /// True when operands are quantized (a quantization pass runs before the kernel).
    public var quantizesOperands: Bool { qk != .bf16 || pv != .bf16 }
    /// True when the KV cache is stored below 16 bits.
    public var quantizesCache: Bool { kvCacheBits < 16 }

    /// Bytes per cached K/V element: the quantized value plus its share of the group's scale and zero point.
    public var kvCacheBytesPerElement: Double {
        guard quantizesCache else { return 2 }
        return Double(kvCacheBits) / 8 + 4 / Double(max(1, kvCacheGroup))
    }
}
