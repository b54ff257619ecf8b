import Einsim
import Foundation

/// Parses a generated 10,000-Einsum cascade (a chain, each reading the two previous results).
func benchmarkParsing() -> String {
    var text = "cascade generated\nrank M = 4096\nrank N = 64\nrank K = 32\ninput X0[m,n]\ninput W[k,n]\n"
    text += "X1[m,k] = X0[m,n] * W[k,n]\n"
    for i in 2...10_000 {
        text += "X\(i)[m,k] = exp(X\(i - 1)[m,k] - X\(max(1, i - 2))[m,k]) / 2 + X\(i - 1)[m,k]\n"
    }
    var best = Double.infinity
    for _ in 0..<3 {
        let start = Date()
        let parsed = try? CascadeParser.parse(text, file: "generated.einsum")
        best = min(best, Date().timeIntervalSince(start))
        if parsed == nil { return "parsing: the generated cascade failed to parse" }
    }
    return "parsing: 10,000-Einsum cascade in \(Format.fixed(best * 1e3, 1)) ms (best of 3)"
}
