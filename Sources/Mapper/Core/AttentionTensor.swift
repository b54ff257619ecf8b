import EinsimCore
import EinsumIR

/// A tensor that crosses the boundary of a fused attention group (an input it reads or an output
/// it writes), described by the attention roles of its ranks so any target's loop nest can place
/// it. Built from the cascade itself (``tensors(of:sizes:)``): an extra input of a user cascade (a
/// bias `Z[b,h,m,p]`) is traffic like Q, K and V.
public struct AttentionTensor: Sendable, Hashable {
    /// What a rank of the cascade means for attention (the cascade's shape names).
    public enum Rank: String, Sendable, Hashable, CaseIterable {
        case batch = "b", head = "h", query = "p", key = "m", qkDim = "e", valueDim = "f"
    }
    public enum Role: String, Sendable, Hashable { case input, output }

    public var name: String
    public var role: Role
    /// Bytes per element, or nil for the call's operand width (the cascade's default precision,
    /// which a quantized variant narrows).
    public var bytesPerElement: Double?
    /// Attention ranks indexing the tensor.
    public var ranks: Set<Rank>
    /// Product of the sizes of its other ranks (1 for Q, K, V, O).
    public var otherElements: Double

    public init(name: String, role: Role, bytesPerElement: Double? = nil, ranks: Set<Rank>, otherElements: Double = 1) {
        self.name = name; self.role = role; self.bytesPerElement = bytesPerElement
        self.ranks = ranks; self.otherElements = otherElements
    }

    /// True for tensors indexed by keys but not queries: in GQA they are shared by the query heads
    /// of a KV head (K and V); every other head-indexed tensor is per query head.
    public var perKVHead: Bool {
        // One pass over the set (comparing cases hashes nothing; `contains` hashed the raw names).
        var key = false, query = false
        for r in ranks {
            if r == .key { key = true } else if r == .query { query = true }
        }
        return key && !query
    }

    /// Q, K, V in and O out: FlashAttention's own interface (the closed-form 1-pass cascade).
    public static let standard: [AttentionTensor] = [
        AttentionTensor(name: "Q", role: .input, ranks: [.batch, .head, .qkDim, .query]),
        AttentionTensor(name: "K", role: .input, ranks: [.batch, .head, .qkDim, .key]),
        AttentionTensor(name: "V", role: .input, ranks: [.batch, .head, .valueDim, .key]),
        AttentionTensor(name: "AV", role: .output, ranks: [.batch, .head, .valueDim, .query]),
    ]

    /// The inputs and outputs of `cascade`, with their ranks' attention roles (partition parts such
    /// as `m1`, `m0` count as their rank `m`); ranks outside B, H, P, M, E, F contribute their bound
    /// size from `sizes` (shape or index names).
    public static func tensors(of cascade: Cascade, sizes: [String: Int] = [:]) -> [AttentionTensor] {
        cascade.tensors.compactMap { t in
            let role: Role
            switch t.role {
            case .input: role = .input
            case .output: role = .output
            case .intermediate: return nil
            }
            var ranks = Set<Rank>()
            var other = 1.0
            for r in t.ranks {
                let root = cascade.partitionParent(of: r) ?? r
                if let rank = Rank(rawValue: root.lowercased()) {
                    ranks.insert(rank)
                } else {
                    let shapeName = cascade.rank(named: root)?.shapeName ?? root
                    let size = sizes[shapeName] ?? sizes[root] ?? cascade.rank(named: root).flatMap { rank -> Int? in
                        if case let .literal(n) = rank.shape { return n } else { return nil }
                    } ?? 1
                    other *= Double(size)
                }
            }
            let width: Double? = t.precision == cascade.defaultPrecision ? nil : t.precision.bytes
            return AttentionTensor(name: t.name, role: role, bytesPerElement: width, ranks: ranks, otherElements: other)
        }
    }
}
