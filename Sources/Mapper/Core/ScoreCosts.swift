import EinsimCore

/// Work per computed score element of a fused attention cascade, by cost class, derived from the
/// cascade's operation counts at the mapping's key-tile size (`m0`), so that per-row, per-tile
/// terms (running-max correction, accumulator rescaling) are included.
public struct ScoreCosts: Sendable, Hashable {
    /// Matrix MACs per score (Q·K plus P·V: e + f).
    public var macs: Double
    /// Special-function operations (exp) per score.
    public var exps: Double
    /// Vector add/mul/max operations per score.
    public var vectorOps: Double
    /// Divisions per score.
    public var divides: Double

    public init(macs: Double, exps: Double, vectorOps: Double, divides: Double) {
        self.macs = macs; self.exps = exps; self.vectorOps = vectorOps; self.divides = divides
    }

    /// Per-score costs from whole-cascade counts over `scores` computed elements.
    public init(counts: OperationCounts, scores: Double) {
        let s = max(scores, 1)
        self.init(macs: counts[.matrixMAC] / s, exps: counts[.specialFunction] / s,
                  vectorOps: counts.vectorOperations / s, divides: counts[.divide] / s)
    }
}

extension ScoreCosts {
    /// Closed form of Cascade 5 (1-pass, FlashAttention-2 style) per score element with key tiles
    /// of `m0` keys and `m` keys in all: BQK e MACs, SLNV f MACs; LM max, SLN sub+exp, SLD add per
    /// score; RM max, PRM sub+exp, SPD mul, RD add, SPNV f muls, RNV f adds per row per tile; AV f
    /// divides per row. Used as the oracle for the cascade-derived costs.
    public static func onePassAttention(e: Int, f: Int, m0: Int, m: Int) -> ScoreCosts {
        let perTile = 1 / Double(max(1, m0))
        return ScoreCosts(
            macs: Double(e + f),
            exps: 1 + perTile,
            vectorOps: 3 + (4 + 2 * Double(f)) * perTile,
            divides: Double(f) / Double(max(1, m)))
    }
}
