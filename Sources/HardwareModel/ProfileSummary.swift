import EinsimCore

/// Validation entry point for `einsim validate FILE.xml` (stub: the profile work replaces this file).
public enum ProfileSummary {
    /// Loads and validates the profile; returns a one-screen summary or throws an `InputError`.
    public static func validate(path: String) throws -> String {
        throw SimpleInputError("the profile loader is not built yet", suggestion: nil)
    }
}
