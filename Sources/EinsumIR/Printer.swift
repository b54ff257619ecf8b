import EinsimCore

/// Writes a ``Cascade`` as `.einsum` text that parses back to an equal cascade.
enum Printer {
    static func print(_ c: Cascade) -> String {
        var out = "cascade \(c.name)\n"
        if c.defaultPrecision != .bf16 { out += "precision \(c.defaultPrecision.rawValue)\n" }
        if !c.ranks.isEmpty { out += "\n" }
        for r in c.ranks { out += "rank \(r.shapeName) = \(shape(r.shape))\n" }
        for r in c.ranks where r.isIterative { out += "stop: \(r.name) >= \(r.shapeName)\n" }
        if !c.operators.isEmpty { out += "\n" }
        for op in c.operators { out += "operator \(op.name) : \(op.costClass.rawValue)\n" }
        if !c.tensors.isEmpty { out += "\n" }
        for t in c.tensors {
            let keyword = t.role == .input ? "input" : t.role == .output ? "output" : "tensor"
            out += "\(keyword) \(t.name)[\(t.ranks.joined(separator: ","))]"
            if t.precision != c.defaultPrecision { out += " : \(t.precision.rawValue)" }
            out += "\n"
        }
        if !c.initializations.isEmpty {
            out += "\ninitialization:\n"
            for e in c.initializations { out += einsum(e) }
        }
        out += "\neinsums:\n"
        for e in c.einsums { out += einsum(e) }
        return out
    }

    static func shape(_ s: RankShape) -> String {
        switch s {
        case .literal(let n): return String(n)
        case .alias(let other): return other
        case .partition(let of, let tile): return "\(of) / \(tile)"
        }
    }

    static func einsum(_ e: Einsum) -> String {
        var line = ""
        if let s = e.sparsity {
            line += "@\(s.kind.rawValue)(\(s.ranks.joined(separator: ","))) = \(number(s.density))"
            if let p = s.pattern { line += " pattern \(p)" }
            line += "\n"
        }
        line += "\(access(e.output)) = \(expression(e.expression))"
        let reduced = e.reducedRanks
        if e.reduction != .sum, !reduced.isEmpty {
            line += " :: reduce \(reduced.joined(separator: ",")) \(e.reduction.name)"
        }
        return line + "\n"
    }

    static func access(_ a: TensorAccess) -> String {
        "\(a.tensor)[\(a.indices.map(index).joined(separator: ","))]"
    }

    static func index(_ i: IndexExpression) -> String {
        switch i {
        case .rank(let r): return r
        case .next(let r, let k): return "\(r)+\(k)"
        case .fixed(let r, let k): return "\(r):\(r)=\(k)"
        case .final(let r): return r.uppercased()
        case .split(_, let outer, let inner): return "\(outer)*\(inner.uppercased())+\(inner)"
        }
    }

    static func number(_ v: Double) -> String {
        if v == .infinity { return "inf" }
        if v == -.infinity { return "-inf" }
        if v == v.rounded(), abs(v) < 9.0e15 { return String(Int(v)) }
        return "\(v)"
    }

    static func expression(_ e: Expression) -> String {
        switch e {
        case .tensor(let a): return access(a)
        case .constant(let v): return number(v)
        case .negate(let x):
            if case .binary = x { return "-(\(expression(x)))" }
            return "-\(expression(x))"
        case .call(let f, let args): return "\(f.name)(\(args.map(expression).joined(separator: ", ")))"
        case .binary(let op, let l, let r):
            var left = expression(l), right = expression(r)
            if case .binary(let lop, _, _) = l, lop.precedence < op.precedence { left = "(\(left))" }
            if case .binary(let rop, _, _) = r, rop.precedence <= op.precedence { right = "(\(right))" }
            return "\(left) \(op.rawValue) \(right)"
        }
    }
}

extension Cascade: CustomStringConvertible {
    /// The cascade as `.einsum` text; ``CascadeParser/parse(_:file:)`` reads it back to an equal value.
    public var description: String { Printer.print(self) }
}

extension Einsum {
    /// The Einsum in `.einsum` syntax (`BQK[b,h,m1,m0,p] = Q[b,h,e,p] * BK[b,h,e,m1,m0]`).
    public var text: String { Printer.einsum(self) }
}
