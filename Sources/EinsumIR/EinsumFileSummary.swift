import EinsimCore

/// Validation entry point for `einsim validate FILE.einsum`.
public enum EinsumFileSummary {
    /// Parses and checks the file; returns a short human-readable summary or throws an `InputError`.
    public static func validate(path: String) throws -> String {
        let cascade = try CascadeParser.parse(contentsOf: path)
        return summary(of: cascade, path: path)
    }

    /// The summary shown by `einsim validate`: ranks, tensors, Einsums and passes.
    public static func summary(of cascade: Cascade, path: String) -> String {
        let ranks = cascade.ranks.map { r -> String in
            var text = "\(r.name)=\(Printer.shape(r.shape))"
            if r.isIterative { text += " (iterative)" }
            return text
        }
        let inputs = cascade.inputs.map(\.name), outputs = cascade.outputs.map(\.name)
        let intermediates = cascade.tensors.filter { $0.role == .intermediate }.map(\.name)
        let analysis = cascade.passAnalysis()
        var out = "\(path): valid cascade '\(cascade.name)'\n"
        out += "  ranks (\(cascade.ranks.count)): \(ranks.joined(separator: ", "))\n"
        out += "  tensors (\(cascade.tensors.count)): inputs \(inputs.joined(separator: ", ")); outputs \(outputs.joined(separator: ", ")); \(intermediates.count) intermediates\n"
        out += "  einsums: \(cascade.einsums.count) (+\(cascade.initializations.count) initialization)\n"
        out += "  passes: \(analysis.passes)\(analysis.dominantRank.map { " over \($0)" } ?? "")"
        return out
    }
}
