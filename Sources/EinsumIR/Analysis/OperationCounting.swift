import EinsimCore

/// Operation counts by cost class.
///
/// Rules (per point of the iteration space, times the Einsum's density):
/// - `*` whose result is reduced with `+` (a contraction): one `matrixMAC`; nothing else for the
///   multiply or the add.
/// - elementwise `*`: one `vectorMul`. `+`, `-` and unary minus: one `vectorAdd`.
/// - a `+` reduction of n elements into one output counts n `vectorAdd`s; a `max`/`min` reduction
///   n `vectorMax`es; a user reduction n of its declared class.
/// - `max(a, b, …)`/`min(…)` as a map: (operands − 1) `vectorMax`.
/// - `exp`: one `specialFunction`; sub-then-exp `exp(a - b)` is therefore one `vectorAdd` plus one
///   `specialFunction`. `/`: one `divide`. A user map operator: one of its declared class.
/// - copies (`BK[e,m1,m0] = K[e,m1*M0+m0]`) and constant fills (`RM[m1:m1=0,p] = -inf`) count nothing;
///   operations whose operands are all constants count nothing.
/// Iterative Einsums count once per iteration (their iteration space includes the iterative rank);
/// initialization Einsums run once and are counted apart (``BoundCascade/initializationCounts()``).
extension BoundCascade {
    /// Counts of one Einsum for the bound shapes, density applied.
    public func operationCounts(of einsum: Einsum) -> OperationCounts {
        let points = iterationSpaceSize(of: einsum) * einsum.density
        var counts = OperationCounts()
        if !einsum.reducedRanks.isEmpty {
            if einsum.reduction == .sum, case .binary(.multiply, let l, let r) = einsum.expression, !einsum.expression.isConstant {
                counts[.matrixMAC] += points
                count(l, points: points, into: &counts)
                count(r, points: points, into: &counts)
                return counts
            }
            counts[costClass(of: einsum.reduction)] += points
        }
        count(einsum.expression, points: points, into: &counts)
        return counts
    }

    /// Counts per main Einsum, in order (density applied; iterative Einsums once per iteration).
    public func operationCounts() -> [OperationCounts] {
        cascade.einsums.map { operationCounts(of: $0) }
    }

    /// Counts of the initialization Einsums, which run once.
    public func initializationCounts() -> OperationCounts {
        cascade.initializations.reduce(OperationCounts()) { $0 + operationCounts(of: $1) }
    }

    /// Main Einsums plus initializations.
    public var totalOperationCounts: OperationCounts {
        operationCounts().reduce(initializationCounts(), +)
    }

    private func costClass(of reduction: ReductionOperator) -> CostClass {
        switch reduction {
        case .sum: return .vectorAdd
        case .max, .min: return .vectorMax
        case .user(let name): return cascade.userOperator(named: name)?.costClass ?? .vectorAdd
        }
    }

    private func count(_ e: Expression, points: Double, into counts: inout OperationCounts) {
        if e.isConstant { return }
        switch e {
        case .tensor, .constant: return
        case .negate(let x):
            counts[.vectorAdd] += points
            count(x, points: points, into: &counts)
        case .binary(let op, let l, let r):
            switch op {
            case .add, .subtract: counts[.vectorAdd] += points
            case .multiply: counts[.vectorMul] += points
            case .divide: counts[.divide] += points
            }
            count(l, points: points, into: &counts)
            count(r, points: points, into: &counts)
        case .call(let f, let args):
            switch f {
            case .exp: counts[.specialFunction] += points
            case .max, .min: counts[.vectorMax] += points * Double(max(args.count - 1, 0))
            case .user(let name): counts[cascade.userOperator(named: name)?.costClass ?? .vectorAdd] += points
            }
            for a in args { count(a, points: points, into: &counts) }
        }
    }
}
