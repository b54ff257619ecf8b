import EinsimCore

/// Validation entry point for `einsim validate FILE.einsum` (stub: the IR work replaces this file).
public enum EinsumFileSummary {
    /// Parses and checks the file; returns a short human-readable summary or throws an `InputError`.
    public static func validate(path: String) throws -> String {
        throw SimpleInputError("the .einsum parser is not built yet", suggestion: nil)
    }
}
