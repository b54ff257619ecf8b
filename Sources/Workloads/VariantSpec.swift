import Foundation
import EinsimCore

/// A parsed `--variant` spec: `dense`, `block-sparse:density=0.1,block=128`, `sliding-window:window=512`.
public struct VariantSpec: Sendable, Hashable {
    public var text: String
    public var mask: MaskModel
    /// Changed attention algebra (linear, sparse-linear, MLA, mixture-of-heads); `.softmax` otherwise.
    public var algebra: AttentionAlgebra = .softmax
    /// Operand and KV-cache precisions (bf16 everywhere unless a precision variant says otherwise).
    public var precision: AttentionPrecision = AttentionPrecision()
    /// The predictor cascade that decides the kept set (`Examples/cascades/predictors/NAME.einsum`),
    /// simulated before the attention; nil for static patterns.
    public var predictor: String? = nil
    /// The kernel preset this variant runs on (`kernel=flex`), overriding `--kernel`: a sparse
    /// method's own kernel compared against a dense baseline on another (validated where the
    /// presets are known: `VariantSpec.kernelPreset(default:)` in Einsim).
    public var kernel: String? = nil

    /// Known variant names with a one-line description and source, for `einsim list`.
    public static let catalog: [(name: String, summary: String)] = [
        ("dense", "full attention (every score computed) [Vaswani et al. 2017]"),
        ("block-sparse:density=D,block=B", "random block mask over (query block x key block), kept fraction D [RainFusion 2.0 / XAttention / FlexAttention]"),
        ("sliding-window:window=W", "keep |q - k| <= W (1-D neighborhood) [NATTEN / GNA]"),
    ] + sparseCatalog.map { ($0.name, "\($0.summary) [\($0.source)]") }

    public static func parse(_ text: String) throws -> VariantSpec {
        // Control characters (a NUL ends a C string: "1.\0junk" would read as 1.0) are refused.
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw SimpleInputError("variant spec contains the control character U+\(String(format: "%04X", bad.value))",
                                   suggestion: "write the spec in plain text, e.g. block-sparse:density=0.2,block=128")
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        var params: [String: String] = [:]
        if parts.count > 1 {
            for item in parts[1].split(separator: ",") {
                let kv = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty else {
                    throw SimpleInputError("variant '\(text)': expected key=value, got '\(item)'", suggestion: "e.g. block-sparse:density=0.1,block=128")
                }
                guard params[kv[0]] == nil else {
                    throw SimpleInputError("variant '\(text)': '\(kv[0])' is given twice", suggestion: "give each parameter once")
                }
                params[kv[0]] = kv[1]
            }
        }
        func number(_ key: String, allowed: Set<String>) throws -> Double? {
            for k in params.keys where !allowed.contains(k) {
                throw SimpleInputError("variant '\(name)' has no parameter '\(k)'",
                                       suggestion: Suggestions.didYouMean(k, in: allowed) ?? "parameters: " + allowed.sorted().joined(separator: ", "))
            }
            guard let v = params[key] else { return nil }
            guard let d = Double(v), d.isFinite else {
                throw SimpleInputError("variant '\(name.prefix(40))': \(key.prefix(40))=\(v.prefix(40))\(v.count > 40 ? "…" : "") is not a number", suggestion: nil)
            }
            return d
        }
        let kernel = params.removeValue(forKey: "kernel")
        var spec = try parseBody(name: name, text: text, params: params, numberParser: number)
        spec.kernel = kernel
        return spec
    }

    private static func parseBody(name: String, text: String, params: [String: String],
                                  numberParser: (String, Set<String>) throws -> Double?) throws -> VariantSpec {
        func number(_ key: String, allowed: Set<String>) throws -> Double? { try numberParser(key, allowed) }
        switch name {
        case "dense":
            _ = try number("", allowed: [])
            return VariantSpec(text: text, mask: .dense)
        case "block-sparse":
            let allowed: Set<String> = ["density", "block", "pattern", "predictor"]
            guard let density = try number("density", allowed: allowed) else {
                throw SimpleInputError("block-sparse needs density=…", suggestion: "e.g. block-sparse:density=0.2,block=128")
            }
            guard density > 0, density <= 1 else { throw SimpleInputError("block-sparse density must be in (0, 1], got \(density)", suggestion: nil) }
            let block = try number("block", allowed: allowed) ?? 128
            guard block >= 1, block <= 65536, block == block.rounded() else { throw SimpleInputError("block must be an integer in 1…65536", suggestion: nil) }
            let predictor = try params["predictor"].map(PredictorCatalog.validate) ?? nil
            return VariantSpec(text: text, mask: .blockSparse(density: density, block: Int(block), keepDiagonal: true), predictor: predictor)
        case "sliding-window":
            let allowed: Set<String> = ["window", "block"]
            guard let w = try number("window", allowed: allowed), w >= 0, w == w.rounded(), w < 1e12 else {
                throw SimpleInputError("sliding-window needs an integer window=… ≥ 0", suggestion: "e.g. sliding-window:window=512")
            }
            return VariantSpec(text: text, mask: .slidingWindow(window: Int(w)))
        default:
            if let extended = try parseExtended(name: name, text: text, params: params) { return extended }
            if let sparse = try parseSparse(name: name, text: text, params: params) { return sparse }
            throw SimpleInputError("unknown variant '\(name)'",
                                   suggestion: Suggestions.didYouMean(name, in: ["dense", "block-sparse", "sliding-window"] + extendedNames + sparseNames) ?? "run 'einsim list' for the variants")
        }
    }
}
