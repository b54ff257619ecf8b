import EinsimCore

/// The shipped predictor cascades (`Examples/cascades/predictors/NAME.einsum`): what a sparse
/// variant spends to decide its kept set, simulated as kernels before the attention.
public enum PredictorCatalog {
    /// One predictor: its name (also its file stem), a one-line description and its source.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var summary: String
        public var source: String
    }

    public static let entries: [Entry] = [
        Entry(name: "block-mean", summary: "block means of Q and K, pooled QK score map, top-k blocks per query block", source: "RainFusion 2.0"),
        Entry(name: "antidiagonal", summary: "strided antidiagonal scoring of each block, softmax, block sums, threshold", source: "XAttention"),
        Entry(name: "proxy-heads", summary: "pooled proxy heads score blocks for their group; per-head budgets", source: "ProxyAttn"),
        Entry(name: "draft", summary: "low-resolution (pooled) draft attention map, block sums, top blocks", source: "DraftAttention"),
        Entry(name: "kmeans", summary: "k-means on Q and K, centroid score map, top-p over key clusters", source: "Sparse VideoGen2"),
        Entry(name: "channel", summary: "r of d channels score every cached token (label cache), top tokens", source: "Double Sparsity"),
        Entry(name: "quest-pages", summary: "per-page key min/max bound the score, top pages", source: "Quest"),
    ]

    /// Predictor names, plus `none`.
    public static var names: [String] { entries.map(\.name) + ["none"] }

    /// Validates a predictor name (`none` → nil); unknown names are input errors with a suggestion.
    public static func validate(_ name: String) throws -> String? {
        if name == "none" { return nil }
        guard entries.contains(where: { $0.name == name }) else {
            throw SimpleInputError("unknown predictor '\(name)'",
                                   suggestion: Suggestions.didYouMean(name, in: names) ?? "predictors: " + names.joined(separator: ", "))
        }
        return name
    }
}
