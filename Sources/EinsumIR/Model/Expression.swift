/// The map part of an extended Einsum: an expression over tensor accesses and constants.
///
/// Sub-then-exp, the softmax step, is `exp(a - b)`: a `.call(.exp, [.binary(.subtract, a, b)])`.
public indirect enum Expression: Sendable, Hashable {
    case tensor(TensorAccess)
    /// A constant (`0`, `-inf`, `0.5`). Never NaN.
    case constant(Double)
    case binary(BinaryOperator, Expression, Expression)
    case call(MapFunction, [Expression])
    /// Unary minus of a non-constant operand.
    case negate(Expression)

    /// Every tensor access in the expression, left to right.
    public var accesses: [TensorAccess] {
        var out: [TensorAccess] = []
        collect(into: &out)
        return out
    }

    private func collect(into out: inout [TensorAccess]) {
        switch self {
        case .tensor(let a): out.append(a)
        case .constant: break
        case .binary(_, let l, let r): l.collect(into: &out); r.collect(into: &out)
        case .call(_, let args): for a in args { a.collect(into: &out) }
        case .negate(let e): e.collect(into: &out)
        }
    }

    /// True when no tensor appears in the expression.
    public var isConstant: Bool {
        switch self {
        case .tensor: return false
        case .constant: return true
        case .binary(_, let l, let r): return l.isConstant && r.isConstant
        case .call(_, let args): return args.allSatisfy(\.isConstant)
        case .negate(let e): return e.isConstant
        }
    }

    /// True for `exp(a - b)`, the fused sub-then-exp operator.
    public var isSubThenExp: Bool {
        if case .call(.exp, let args) = self, args.count == 1, case .binary(.subtract, _, _) = args[0] { return true }
        return false
    }
}
