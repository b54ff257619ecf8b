import EinsimCore
import EinsumIR
import Foundation
import Workloads

/// Turns a variant's predictor into kernels: its cascade (`Examples/cascades/predictors/NAME.einsum`)
/// is parsed, bound to the call's shape (heads, tokens, mask block, channels, pages), split by its
/// passes, and each pass becomes a kernel whose operations come from the cascade's counts and whose
/// DRAM traffic is the tensors crossing the pass boundary (inputs read, results written).
public enum PredictorResolver {
    /// The predictor's cascade.
    public static func cascade(_ name: String) throws -> Cascade {
        _ = try PredictorCatalog.validate(name)
        guard let dir = AlgorithmResolver.cascadesDirectory else {
            throw AlgorithmResolver.cascadesNotFound
        }
        return try CascadeParser.parse(contentsOf: dir + "/predictors/" + name + ".einsum")
    }

    /// Rank sizes for predictor `name` on `shape` with mask blocks of `block` tokens.
    public static func binding(_ name: String, shape: AttentionShape, block: Int, pattern: SparsePattern? = nil) -> [String: Int] {
        func blocks(_ n: Int, _ b: Int) -> Int { max(1, (n + b - 1) / max(1, b)) }
        let bq = min(block, shape.qLen), bk = min(block, shape.kvLen)
        var b: [String: Int] = [
            "B": shape.batch, "H": shape.heads, "E": shape.headDim, "P": shape.qLen, "M": shape.kvLen,
            "P0": bq, "P1": blocks(shape.qLen, bq), "M0": bk, "M1": blocks(shape.kvLen, bk),
        ]
        switch name {
        case "antidiagonal":
            let s = min(8, bq, bk)
            b["S"] = s; b["PB"] = max(1, bq / s); b["MB"] = max(1, bk / s)
        case "draft":
            let r = min(16, bq, bk)
            b["R"] = r; b["PB"] = max(1, bq / r); b["MB"] = max(1, bk / r)
        case "proxy-heads":
            // One proxy per GQA group, or per 4 heads for multi-head attention.
            let perProxy = shape.groupSize > 1 ? shape.groupSize : min(4, shape.heads)
            b["G"] = max(1, shape.heads / max(1, perProxy)); b["HG"] = max(1, perProxy)
        case "kmeans":
            b["T"] = 4; b["CQ"] = min(64, shape.qLen); b["CK"] = min(256, shape.kvLen)
        case "channel", "quest-pages":
            b["G"] = shape.kvHeads; b["HG"] = shape.groupSize
            let fraction = pattern?.decode?.channelFraction ?? (1.0 / 16)
            b["R"] = max(1, Int((fraction * Double(shape.headDim)).rounded(.up)))
            let page = max(1, pattern?.decode?.pageTokens ?? 16)
            b["N"] = blocks(shape.kvLen, page)
        default:
            break
        }
        return b
    }

    /// The predictor's kernels, one per pass, for `shape`.
    public static func passes(_ name: String, shape: AttentionShape, block: Int, pattern: SparsePattern? = nil) throws -> [PassWork] {
        try bound(name, shape: shape, block: block, pattern: pattern).passKernels(namePrefix: "\(name) ")
    }

    /// The predictor's cascade bound to `shape` (the sizes it declares; derived ranks follow).
    public static func bound(_ name: String, shape: AttentionShape, block: Int, pattern: SparsePattern? = nil) throws -> BoundCascade {
        let cascade = try self.cascade(name)
        let sizes = binding(name, shape: shape, block: block, pattern: pattern).filter { key, _ in
            guard let rank = cascade.rank(named: key) else { return false }
            if case .partition = rank.shape { return false }
            return true
        }
        return try cascade.bind(sizes)
    }

    /// The predictor's passes for a spatial target, Einsum by Einsum (tensors crossing a pass
    /// boundary through DRAM), for ``SpatialPassMapper``.
    public static func spatialPasses(_ name: String, shape: AttentionShape, block: Int, pattern: SparsePattern? = nil) throws -> [SpatialPass] {
        try bound(name, shape: shape, block: block, pattern: pattern).spatialPasses(namePrefix: "\(name) ")
    }

    /// Total operation counts of predictor `name` on `shape` (every pass).
    public static func operationCounts(_ name: String, shape: AttentionShape, block: Int, pattern: SparsePattern? = nil) throws -> OperationCounts {
        try passes(name, shape: shape, block: block, pattern: pattern).reduce(OperationCounts()) { $0 + $1.operations }
    }
}
