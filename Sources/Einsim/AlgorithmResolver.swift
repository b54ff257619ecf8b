import EinsimCore
import Simulator

/// Turns `--algorithm` (1pass | 2pass | 3pass | PATH.einsum) into the engine's algorithm.
public enum AlgorithmResolver {
    public static func resolve(_ name: String, shape: AttentionShape) throws -> AttentionAlgorithm {
        switch name {
        case "1pass": return AttentionAlgorithm.closedFormOnePass(shape: shape)
        default:
            throw SimpleInputError("unknown algorithm '\(name)'", suggestion: Suggestions.didYouMean(name, in: ["1pass", "2pass", "3pass"]) ?? "use 1pass, 2pass, 3pass or a .einsum file")
        }
    }
}
