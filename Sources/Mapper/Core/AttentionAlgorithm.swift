import EinsimCore
import EinsumIR
import Workloads

/// How an attention call is computed: which cascade, fused how.
public enum AttentionAlgorithm: Sendable, Hashable {
    /// A 1-pass cascade, one fused kernel: per-score costs from the cascade at the mapping's key
    /// tile, traffic from the cascade's inputs and outputs (`tensors`); `cascade` is kept for
    /// reports (`einsim map` lists its Einsums).
    indirect case onePass(costsAtTile: @Sendable (Int) -> ScoreCosts, tensors: [AttentionTensor] = AttentionTensor.standard,
                 cascade: Cascade? = nil, einsumsAtTile: @Sendable (Int) -> [EinsumWork] = { _ in [] })
    /// A multi-pass cascade: one kernel per pass, with its operation counts and the bytes that
    /// cross its boundaries (intermediates round-trip through DRAM).
    indirect case perPass(name: String, passes: [PassWork], cascade: Cascade? = nil)

    public static func == (l: AttentionAlgorithm, r: AttentionAlgorithm) -> Bool {
        switch (l, r) {
        case let (.perPass(a, x, _), .perPass(b, y, _)): return a == b && x == y
        case (.onePass, .onePass): return true
        default: return false
        }
    }
    public func hash(into h: inout Hasher) {
        if case let .perPass(n, p, _) = self { h.combine(n); h.combine(p) } else { h.combine(1) }
    }

    /// Per-score costs at a key tile of `m0` keys (for per-pass algorithms, the 1-pass closed form
    /// is used only to rank tile shapes; their kernels are costed pass by pass).
    public func costs(atKeyTile m0: Int, shape: AttentionShape) -> ScoreCosts {
        if case let .onePass(f, _, _, _) = self { return f(m0) }
        return ScoreCosts.onePassAttention(e: shape.headDim, f: shape.valueDim, m0: m0, m: shape.kvLen)
    }

    /// The 1-pass cascade's closed-form costs (the oracle of the IR-derived ones).
    public static func closedFormOnePass(shape: AttentionShape) -> AttentionAlgorithm {
        let e = shape.headDim, f = shape.valueDim, m = shape.kvLen
        return .onePass(costsAtTile: { m0 in ScoreCosts.onePassAttention(e: e, f: f, m0: m0, m: m) })
    }

    /// The tensors a fused kernel of this algorithm reads and writes.
    public var tensors: [AttentionTensor] {
        if case let .onePass(_, tensors, _, _) = self { return tensors }
        return AttentionTensor.standard
    }

    /// Useful FLOPs of the call: 2 per matrix MAC of the cascade, kept scores only.
    public func flops(shape: AttentionShape, keyTile m0: Int) -> Double {
        switch self {
        case .onePass: return 2 * shape.keptScores * costs(atKeyTile: m0, shape: shape).macs
        case let .perPass(_, passes, _): return 2 * passes.reduce(0) { $0 + $1.operations[.matrixMAC] } * shape.keptFraction
        }
    }
}

/// The work of one pass of a multi-pass cascade run as its own kernel.
public struct PassWork: Sendable, Hashable {
    public var name: String
    public var operations: OperationCounts
    /// Bytes read and written from DRAM by this pass's kernel.
    public var dramBytes: Double
    public init(name: String, operations: OperationCounts, dramBytes: Double) {
        self.name = name; self.operations = operations; self.dramBytes = dramBytes
    }
}


/// One Einsum's work per computed score at a key tile (for per-Einsum breakdowns of a fused kernel).
public struct EinsumWork: Sendable, Hashable {
    public var name: String
    public var perScore: OperationCounts
    public init(name: String, perScore: OperationCounts) { self.name = name; self.perScore = perScore }
}
