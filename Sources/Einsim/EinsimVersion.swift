/// The einsim release this build is (`einsim --version`).
public enum EinsimVersion {
    /// Semantic version: 0.x while the formats may still change between releases.
    public static let current = "0.6.0"
}
