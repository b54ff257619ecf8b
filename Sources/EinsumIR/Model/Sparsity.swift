/// A sparsity model attached to (some ranks of) an Einsum's iteration space.
///
/// Written before an Einsum as `@density(m1,p1) = 0.25` (unstructured: a fraction of the points
/// of the (m1, p1) space is computed) or `@mask(m1,p1) = 0.1 pattern causal` (a block mask over
/// (m1, p1) keeping a fraction of the blocks, optionally naming the pattern). Operation counts of
/// the Einsum scale by ``density``.
public struct Sparsity: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Unstructured density over the named ranks.
        case density
        /// A block mask over the named (block) ranks.
        case mask
    }

    public var kind: Kind
    /// Index names of the ranks the model is defined over.
    public var ranks: [String]
    /// Fraction of the points (or blocks) kept, in (0, 1].
    public var density: Double
    /// A pattern name for masks (`causal`, `random`, `sliding-window`…); informational.
    public var pattern: String?
    public var source: SourceInfo

    public init(kind: Kind, ranks: [String], density: Double, pattern: String? = nil, source: SourceInfo = SourceInfo()) {
        self.kind = kind
        self.ranks = ranks
        self.density = density
        self.pattern = pattern
        self.source = source
    }
}
