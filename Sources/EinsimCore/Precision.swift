/// A numeric format an operand, a tensor or a compute path works in.
///
/// Shared by the IR (tensor precisions) and the hardware model (throughput and energy per
/// precision). `bytes` is fractional for sub-byte formats (int4 = 0.5 B).
public enum Precision: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case fp32, tf32, bf16, fp16, fp8, int8, int4, int2

    /// Storage size of one element in bytes.
    public var bytes: Double {
        switch self {
        case .fp32, .tf32: return 4
        case .bf16, .fp16: return 2
        case .fp8, .int8: return 1
        case .int4: return 0.5
        case .int2: return 0.25
        }
    }

    /// Storage size of one element in bits.
    public var bits: Double { bytes * 8 }

    public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.bytes < rhs.bytes }
}
