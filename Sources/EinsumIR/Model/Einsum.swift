import EinsimCore

/// One extended Einsum: `OUT[...] = expression :: reduce RANKS OP`, with an optional sparsity model.
///
/// The *iteration space* is every rank iterated by the output or an operand; ranks iterated on the
/// right but not on the left are *reduced* with ``reduction`` (`+` unless another is named).
public struct Einsum: Sendable, Hashable {
    public var output: TensorAccess
    public var expression: Expression
    public var reduction: ReductionOperator
    public var sparsity: Sparsity?
    public var source: SourceInfo

    public init(output: TensorAccess, expression: Expression, reduction: ReductionOperator = .sum, sparsity: Sparsity? = nil, source: SourceInfo = SourceInfo()) {
        self.output = output
        self.expression = expression
        self.reduction = reduction
        self.sparsity = sparsity
        self.source = source
    }

    /// The output tensor's name.
    public var outputTensor: String { output.tensor }
    /// The output tensor's rank list (index names).
    public var outputRanks: [String] { output.ranks }
    /// Operand accesses (tensor name + indices + `ranks`), left to right.
    public var inputs: [TensorAccess] { expression.accesses }
    /// Names of the operand tensors, left to right, without repetition.
    public var inputTensors: [String] {
        var seen = Set<String>()
        return inputs.map(\.tensor).filter { seen.insert($0).inserted }
    }

    /// The iteration space: output ranks first, then operand ranks in order of appearance.
    public var iterationRanks: [String] {
        var out = output.iteratedRanks
        for a in inputs { for r in a.iteratedRanks where !out.contains(r) { out.append(r) } }
        return out
    }

    /// Ranks iterated on the right but not on the left, reduced with ``reduction``.
    public var reducedRanks: [String] {
        let kept = output.iteratedRanks
        return iterationRanks.filter { !kept.contains($0) }
    }

    /// Fraction of the iteration space computed (1 when dense).
    public var density: Double { sparsity?.density ?? 1 }

    /// Where the Einsum was written.
    public var location: SourceLocation? { source.location }
}
