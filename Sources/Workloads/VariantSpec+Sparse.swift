import EinsimCore
import Foundation

/// One catalog line: a variant spec template, what it does, and the paper it comes from.
public struct VariantCatalogEntry: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var source: String
}

extension VariantSpec {
    /// The sparse-pattern variants (structured, predicted, decode token selection).
    public static let sparseCatalog: [VariantCatalogEntry] = [
        .init(name: "top-k:keep=K,block=B[,predictor=block-mean][,sink=F][,layout=contiguous]",
              summary: "K key blocks per query block chosen by a predictor (same count every row block)", source: "RainFusion 2.0"),
        .init(name: "top-p:density=D,block=B[,predictor=kmeans]",
              summary: "blocks kept to a cumulative threshold: mean fraction D, count varies by row block", source: "XAttention / Sparse VideoGen2"),
        .init(name: "head-budget:densities=D1/D2/...,block=B[,predictor=proxy-heads]",
              summary: "a block budget per head (cycling over heads): heads differ, row blocks imbalance", source: "ProxyAttn / MoA"),
        .init(name: "neighborhood:window=W[xW[xW]][,grid=AxB[xC]][,stride=S][,dilation=D]",
              summary: "1/2/3-D neighborhood on a row-major token grid; stride = window gives blocked attention", source: "NATTEN / GNA"),
        .init(name: "vertical-stripes:columns=N[,window=W][,layout=scattered]",
              summary: "N global key columns kept for every query, plus an optional 1-D window", source: "Sparse-vDiT"),
        .init(name: "double-sparsity:tokens=T,channels=C[,page=G]",
              summary: "decode: r = C*d channels score tokens (label cache), top T fraction gathered", source: "Double Sparsity"),
        .init(name: "quest:tokens=T,page=G",
              summary: "decode: per-page key min/max bounds pick the top T fraction of pages", source: "Quest"),
        .init(name: "razor:retrieval=R,window=W,sink=S",
              summary: "decode: fraction R of heads keep the whole cache, others a local window + sink", source: "RazorAttention"),
    ]

    /// Names of the sparse variants (for suggestions).
    public static let sparseNames = ["top-k", "top-p", "head-budget", "neighborhood", "vertical-stripes", "double-sparsity", "quest", "razor"]

    /// Parses a sparse-pattern variant, or returns nil when `name` is not one.
    static func parseSparse(name: String, text: String, params: [String: String]) throws -> VariantSpec? {
        guard sparseNames.contains(name) else { return nil }
        let reader = SparseParams(name: name, params: params)
        let common: Set<String> = ["block", "predictor", "sink", "stripes", "layout"]
        func base(_ allowed: Set<String>, predictor defaultPredictor: String?) throws -> (SparsePattern, String?) {
            try reader.check(allowed: allowed)
            var p = SparsePattern()
            p.block = try reader.integer("block", range: 1...65536) ?? 128
            p.sinkTokens = try reader.integer("sink", range: 0...(1 << 40)) ?? 0
            p.stripeColumns = try reader.integer("stripes", range: 0...(1 << 40)) ?? 0
            if let layout = params["layout"] {
                guard layout == "scattered" || layout == "contiguous" else {
                    throw SimpleInputError("\(name): layout=\(layout) is not scattered or contiguous",
                                           suggestion: Suggestions.didYouMean(layout, in: ["scattered", "contiguous"]))
                }
                p.scattered = layout == "scattered"
            }
            let predictor = try params["predictor"].map(PredictorCatalog.validate) ?? defaultPredictor
            return (p, predictor)
        }
        switch name {
        case "top-k":
            var (p, predictor) = try base(common.union(["keep"]), predictor: "block-mean")
            guard let keep = try reader.integer("keep", range: 1...(1 << 30)) else {
                throw SimpleInputError("top-k needs keep=K (key blocks per query block)", suggestion: "e.g. top-k:keep=8,block=128")
            }
            p.selection = .topK(blocksPerRow: keep)
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "top-p":
            var (p, predictor) = try base(common.union(["density"]), predictor: "kmeans")
            p.selection = .topP(density: try reader.fraction("density", required: true) ?? 1)
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "head-budget":
            var (p, predictor) = try base(common.union(["densities"]), predictor: "proxy-heads")
            guard let list = params["densities"] else {
                throw SimpleInputError("head-budget needs densities=D1/D2/…", suggestion: "e.g. head-budget:densities=0.05/0.2/0.5,block=128")
            }
            let ds = try list.split(separator: "/").map { item -> Double in
                guard let d = Double(item), d > 0, d <= 1 else { throw SimpleInputError("head-budget: density '\(item)' must be in (0, 1]") }
                return d
            }
            guard !ds.isEmpty, ds.count <= 4096 else { throw SimpleInputError("head-budget: give 1…4096 densities") }
            p.selection = .headBudgets(ds)
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "neighborhood":
            var (p, predictor) = try base(common.union(["window", "grid", "stride", "dilation"]), predictor: nil)
            guard let window = try reader.integers("window") else {
                throw SimpleInputError("neighborhood needs window=W (tokens per dimension, e.g. 2048 or 3x7x7)", suggestion: "e.g. neighborhood:window=2048")
            }
            let grid = try reader.integers("grid") ?? []
            guard grid.isEmpty || grid.count == window.count || window.count == 1 else {
                throw SimpleInputError("neighborhood: window has \(window.count) dimensions but grid has \(grid.count)")
            }
            p.local = NeighborhoodGeometry(grid: grid, window: window, stride: try reader.integers("stride"), dilation: try reader.integers("dilation"))
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "vertical-stripes":
            var (p, predictor) = try base(common.union(["columns", "window"]), predictor: nil)
            guard let columns = try reader.integer("columns", range: 1...65536) else {
                throw SimpleInputError("vertical-stripes needs columns=N", suggestion: "e.g. vertical-stripes:columns=256,window=1024")
            }
            p.stripeColumns = columns
            p.scattered = params["layout"] == "scattered"   // gathered into contiguous tiles unless scattered
            if let w = try reader.integers("window") { p.local = NeighborhoodGeometry(window: w) }
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "double-sparsity", "quest":
            let isQuest = name == "quest"
            var (p, predictor) = try base(["tokens", "channels", "page", "sector", "predictor"], predictor: isQuest ? "quest-pages" : "channel")
            let tokens = try reader.fraction("tokens", required: true) ?? 1
            let channels = isQuest ? 1 : (try reader.fraction("channels", required: false) ?? 1.0 / 16)
            let page = try reader.integer("page", range: 1...65536) ?? (isQuest ? 16 : 1)
            let sector = try reader.integer("sector", range: 1...4096) ?? 32
            p.decode = TokenSelection(tokenFraction: tokens, pageTokens: page, channelFraction: channels, sectorBytes: sector)
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        case "razor":
            var (p, predictor) = try base(["retrieval", "window", "sink", "predictor"], predictor: nil)
            let retrieval = try reader.fraction("retrieval", required: true) ?? 1
            let window = try reader.integer("window", range: 0...(1 << 40)) ?? 1024
            p.decode = TokenSelection(tokenFraction: 1, fullHeadFraction: retrieval, localWindow: window, sinkTokens: p.sinkTokens == 0 ? 4 : p.sinkTokens)
            p.sinkTokens = 0
            return VariantSpec(text: text, mask: .pattern(p), predictor: predictor)
        default:
            return nil
        }
    }
}

/// Typed reads of a variant's `key=value` parameters, with input errors that name the variant.
struct SparseParams {
    let name: String
    let params: [String: String]

    func check(allowed: Set<String>) throws {
        for k in params.keys.sorted() where !allowed.contains(k) {
            throw SimpleInputError("variant '\(name)' has no parameter '\(k)'",
                                   suggestion: Suggestions.didYouMean(k, in: allowed) ?? "parameters: " + allowed.sorted().joined(separator: ", "))
        }
    }

    func integer(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = params[key] else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw SimpleInputError("\(name): \(key)=\(text) must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    /// A fraction in (0, 1]; `required` makes a missing key an error.
    func fraction(_ key: String, required: Bool) throws -> Double? {
        guard let text = params[key] else {
            if required { throw SimpleInputError("\(name) needs \(key)=F (a fraction in (0, 1])", suggestion: "e.g. \(name):\(key)=0.0625") }
            return nil
        }
        guard let v = Double(text), v.isFinite, v > 0, v <= 1 else {
            throw SimpleInputError("\(name): \(key)=\(text) must be a fraction in (0, 1]")
        }
        return v
    }

    /// `2048`, `8x8`, `3x7x7`: 1 to 3 positive integers.
    func integers(_ key: String) throws -> [Int]? {
        guard let text = params[key] else { return nil }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, (1...3).contains(values.count), values.allSatisfy({ $0 >= 1 && $0 <= 1 << 30 }) else {
            throw SimpleInputError("\(name): \(key)=\(text) must be 1 to 3 positive integers separated by 'x'", suggestion: "e.g. \(key)=8x8")
        }
        return values
    }
}
