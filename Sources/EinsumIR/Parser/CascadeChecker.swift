import EinsimCore

/// Resolves the names of a ``RawCascade`` and checks it: ranks exist and are used consistently,
/// tensors are declared or produced, operators are known, reductions and sparsity annotations
/// name ranks of the iteration space. Produces the ``Cascade``.
struct CascadeChecker {
    private let raw: RawCascade
    private let defaultName: String
    private let file: String
    private var rankByName: [String: Rank] = [:]
    private var rankByShape: [String: Rank] = [:]
    private var tensors: [Tensor] = []
    private var tensorIndex: [String: Int] = [:]
    private var operatorByName: [String: UserOperator] = [:]
    /// For each tensor, where its rank list was fixed (declaration or first use).
    private var tensorOrigin: [String: SourceLocation] = [:]

    init(raw: RawCascade, defaultName: String, file: String) {
        self.raw = raw
        self.defaultName = defaultName
        self.file = file
    }

    mutating func check() throws -> Cascade {
        var ranks = raw.ranks
        for rank in ranks { rankByName[rank.name] = rank; rankByShape[rank.shapeName] = rank }
        try applyStops(&ranks)
        for op in raw.operators { operatorByName[op.name] = op }
        try declareTensors()

        var initializations: [Einsum] = [], einsums: [Einsum] = []
        var producedMain: [String: Int] = [:]      // tensor → first main Einsum producing it
        var producedInit = Set<String>()
        var firstRead: [String: (SourceLocation, Int?)] = [:]  // tensor → first read (location, main index)
        var mainIndex = 0
        for rawEinsum in raw.einsums {
            let (einsum, inputs) = try resolve(rawEinsum)
            let out = einsum.outputTensor
            if rawEinsum.isInitialization {
                producedInit.insert(out)
            } else if producedMain[out] == nil {
                producedMain[out] = mainIndex
            }
            for access in inputs where firstRead[access.tensor] == nil {
                firstRead[access.tensor] = (access.source.location ?? rawEinsum.location, rawEinsum.isInitialization ? nil : mainIndex)
            }
            if rawEinsum.isInitialization { initializations.append(einsum) } else { einsums.append(einsum); mainIndex += 1 }
        }
        guard !einsums.isEmpty else {
            throw CascadeError("the cascade has no Einsums", at: SourceLocation(file: file, line: 1, column: 1),
                               suggestion: "add at least one Einsum such as 'Z[m,n] = A[k,m] * B[k,n]' after the declarations")
        }
        // Every read tensor exists; intermediates are produced before they are read, unless they are
        // running values with an initialization (read at m1, written at m1+1).
        for (name, read) in firstRead.sorted(by: { ($0.value.0.line, $0.value.0.column) < ($1.value.0.line, $1.value.0.column) }) {
            guard let i = tensorIndex[name] else { continue }
            let tensor = tensors[i]
            if tensor.role == .input { continue }
            let producedLater = producedMain[name].map { first in read.1.map { first >= $0 } ?? true } ?? false
            if producedMain[name] == nil && !producedInit.contains(name) {
                let candidates = tensors.filter { $0.role == .input || producedMain[$0.name] != nil || producedInit.contains($0.name) }.map(\.name)
                throw CascadeError("unknown tensor '\(name)': it is neither an input nor produced by an Einsum", at: read.0,
                                   suggestion: Suggestions.didYouMean(name, in: candidates) ?? "declare it with 'input \(name)[…]' or produce it with an Einsum")
            }
            if producedLater && !producedInit.contains(name) {
                throw CascadeError("tensor '\(name)' is read before any Einsum produces it", at: read.0,
                                   suggestion: "move the Einsum producing '\(name)' earlier, or give the running value an initialization")
            }
        }
        for tensor in tensors where tensor.role == .output && producedMain[tensor.name] == nil && !producedInit.contains(tensor.name) {
            throw CascadeError("output '\(tensor.name)' is never produced", at: tensor.source.location, suggestion: "add an Einsum '\(tensor.name)[…] = …'")
        }
        return Cascade(name: raw.name ?? defaultName, defaultPrecision: raw.defaultPrecision, ranks: ranks, operators: raw.operators,
                       tensors: tensors, initializations: initializations, einsums: einsums)
    }

    // MARK: - Declarations

    private mutating func applyStops(_ ranks: inout [Rank]) throws {
        var seen: [String: SourceLocation] = [:]
        for stop in raw.stops {
            guard let rank = rankByName[stop.rank] else {
                throw CascadeError("undeclared rank '\(stop.rank)' in the stop condition", at: stop.location,
                                   suggestion: Suggestions.didYouMean(stop.rank, in: rankByName.keys.sorted()) ?? "declare 'rank \(stop.rank.uppercased()) = …'")
            }
            guard stop.bound == rank.shapeName else {
                throw CascadeError("the stop condition of '\(rank.name)' must compare it with its own shape '\(rank.shapeName)', found '\(stop.bound)'",
                                   at: stop.boundLocation, suggestion: "write 'stop: \(rank.name) >= \(rank.shapeName)'")
            }
            if let first = seen[stop.rank] {
                throw CascadeError("duplicate stop condition for '\(stop.rank)' (first at \(first.line):\(first.column))", at: stop.location, suggestion: "remove one")
            }
            seen[stop.rank] = stop.location
            if let i = ranks.firstIndex(where: { $0.name == rank.name }) {
                ranks[i].isIterative = true
                rankByName[rank.name] = ranks[i]
                rankByShape[rank.shapeName] = ranks[i]
            }
        }
    }

    private mutating func declareTensors() throws {
        for decl in raw.tensors {
            if let i = tensorIndex[decl.name] {
                let first = tensors[i].source.location.map { "\($0.line):\($0.column)" } ?? "?"
                throw CascadeError("duplicate declaration of tensor '\(decl.name)' (first declared at \(first))", at: decl.location, suggestion: "remove one of the declarations")
            }
            var names: [String] = []
            for (r, loc) in decl.ranks {
                try requireRank(r, at: loc)
                if names.contains(r) {
                    throw CascadeError("rank '\(r)' appears twice in tensor '\(decl.name)'", at: loc, suggestion: "each dimension of a tensor needs its own rank")
                }
                names.append(r)
            }
            tensorIndex[decl.name] = tensors.count
            tensorOrigin[decl.name] = decl.location
            tensors.append(Tensor(name: decl.name, ranks: names, precision: decl.precision ?? raw.defaultPrecision, role: decl.role, source: SourceInfo(decl.location)))
        }
    }

    private func requireRank(_ name: String, at loc: SourceLocation) throws {
        guard rankByName[name] == nil else { return }
        if rankByShape[name] != nil || name != name.lowercased() {
            throw CascadeError("rank indices are written in lower case: '\(name)'", at: loc, suggestion: "write '\(name.lowercased())'")
        }
        throw CascadeError("undeclared rank '\(name)'", at: loc,
                           suggestion: Suggestions.didYouMean(name, in: rankByName.keys.sorted()) ?? "declare 'rank \(name.uppercased()) = …' before using '\(name)'")
    }

    // MARK: - Einsums

    private mutating func resolve(_ e: RawEinsum) throws -> (Einsum, [TensorAccess]) {
        let output = try resolveAccess(e.output, isOutput: true)
        if let i = tensorIndex[output.tensor], tensors[i].role == .input {
            throw CascadeError("input tensor '\(output.tensor)' cannot be assigned", at: e.output.location,
                               suggestion: "declare it 'tensor \(output.tensor)[…]' or 'output …', or give the result another name")
        }
        if let bad = output.indices.firstIndex(where: { if case .final = $0 { return true } else { return false } }) {
            throw CascadeError("the final position '\(output.indices[bad].dimensionRank.uppercased())' cannot be assigned", at: e.output.indices?[bad].location ?? e.location,
                               suggestion: "assign the running value at '\(output.indices[bad].dimensionRank)+1'")
        }
        let expression = try resolveExpression(e.expression)
        var einsum = Einsum(output: output, expression: expression, source: SourceInfo(e.location))

        let inputs = expression.accesses
        if !inputs.isEmpty {
            let rightRanks = inputs.flatMap(\.iteratedRanks)
            for (k, index) in output.indices.enumerated() {
                for r in index.iteratedRanks where !rightRanks.contains(r) {
                    throw CascadeError("output rank '\(r)' of '\(output.tensor)' does not appear on the right-hand side", at: e.output.indices?[k].location ?? e.location,
                                       suggestion: "every rank of the result must be iterated by an operand (or fill the tensor with a constant)")
                }
            }
        }
        if let red = e.reduction {
            let reduced = einsum.reducedRanks
            einsum.reduction = try reductionOperator(red.op, at: red.opLocation)
            let listed = red.ranks.map(\.name)
            for (r, loc) in red.ranks {
                try requireRank(r, at: loc)
                if !reduced.contains(r) {
                    let why = Set(output.iteratedRanks).contains(r) ? "it appears on the left" : "it is not iterated on the right"
                    throw CascadeError("rank '\(r)' is not reduced by this Einsum (\(why))", at: loc,
                                       suggestion: reduced.isEmpty ? "remove the ':: reduce' clause" : "the reduced ranks are \(reduced.joined(separator: ","))")
                }
            }
            if let missing = reduced.first(where: { !listed.contains($0) }) {
                throw CascadeError("rank '\(missing)' is reduced here but the reduction names only \(listed.joined(separator: ","))", at: red.location,
                                   suggestion: "write ':: reduce \(reduced.joined(separator: ",")) \(red.op)'")
            }
        }
        if let s = e.sparsity {
            let space = einsum.iterationRanks
            for (r, loc) in s.ranks {
                try requireRank(r, at: loc)
                guard space.contains(r) else {
                    throw CascadeError("rank '\(r)' of the @\(s.kind.rawValue) annotation is not in the iteration space of '\(output.tensor)' (\(space.joined(separator: ", ")))", at: loc,
                                       suggestion: "annotate ranks the Einsum iterates over")
                }
            }
            einsum.sparsity = Sparsity(kind: s.kind, ranks: s.ranks.map(\.name), density: s.density, pattern: s.pattern, source: SourceInfo(s.location))
        }
        return (einsum, inputs)
    }

    private func reductionOperator(_ name: String, at loc: SourceLocation) throws -> ReductionOperator {
        switch name {
        case "sum", "+": return .sum
        case "max": return .max
        case "min": return .min
        default:
            if operatorByName[name] != nil { return .user(name) }
            throw CascadeError("unknown reduction operator '\(name)'", at: loc,
                               suggestion: Suggestions.didYouMean(name, in: ["sum", "max", "min"] + raw.operators.map(\.name)) ?? "use sum, max, min, or declare 'operator \(name) : vector-add'")
        }
    }

    private mutating func resolveExpression(_ e: RawExpression) throws -> Expression {
        switch e {
        case .tensor(let a): return .tensor(try resolveAccess(a, isOutput: false))
        case .constant(let v): return .constant(v)
        case .binary(let op, let l, let r):
            // Operands first: a throwing call inside the indirect case's constructor leaks the
            // operand already built when the second throws (found by fuzzing).
            let left = try resolveExpression(l)
            let right = try resolveExpression(r)
            return .binary(op, left, right)
        case .negate(let x):
            let operand = try resolveExpression(x)
            return .negate(operand)
        case .call(let name, let loc, let args):
            let resolved = try args.map { try resolveExpression($0) }
            let function: MapFunction
            switch name {
            case "exp": function = .exp
            case "max": function = .max
            case "min": function = .min
            default:
                guard operatorByName[name] != nil else {
                    throw CascadeError("unknown operator '\(name)'", at: loc,
                                       suggestion: Suggestions.didYouMean(name, in: ["exp", "max", "min"] + raw.operators.map(\.name)) ?? "declare it with 'operator \(name) : special-function' (or another cost class)")
                }
                function = .user(name)
            }
            switch function {
            case .exp where resolved.count != 1:
                throw CascadeError("'exp' takes one operand, found \(resolved.count)", at: loc, suggestion: "write 'exp(x)'; sub-then-exp is 'exp(a - b)'")
            case .max where resolved.count < 2, .min where resolved.count < 2:
                throw CascadeError("'\(name)' as a map takes at least two operands, found \(resolved.count)", at: loc,
                                   suggestion: "to reduce over a rank write 'OUT[…] = X[…] :: reduce RANK \(name)'")
            case .user where resolved.isEmpty:
                throw CascadeError("'\(name)' needs at least one operand", at: loc)
            default: break
            }
            return .call(function, resolved)
        }
    }

    private mutating func resolveAccess(_ a: RawAccess, isOutput: Bool) throws -> TensorAccess {
        var indices: [IndexExpression] = []
        var locations: [SourceLocation] = []
        for (raw, loc) in a.indices ?? [] {
            indices.append(try resolveIndex(raw, at: loc))
            locations.append(loc)
        }
        let access = TensorAccess(tensor: a.tensor, indices: indices, source: SourceInfo(a.location, indexLocations: locations))
        let ranks = access.ranks
        for (k, r) in ranks.enumerated() where ranks[..<k].contains(r) {
            throw CascadeError("rank '\(r)' indexes two dimensions of '\(a.tensor)'", at: locations[k], suggestion: "each dimension of a tensor needs its own rank")
        }
        if let i = tensorIndex[a.tensor] {
            let tensor = tensors[i]
            if tensor.ranks == ranks { return access }
            let origin = tensorOrigin[a.tensor].map { "\($0.line):\($0.column)" } ?? "?"
            guard tensor.ranks.count == ranks.count else {
                throw CascadeError("tensor '\(a.tensor)' has \(tensor.ranks.count) ranks [\(tensor.ranks.joined(separator: ","))] (see \(origin)) but is indexed with \(ranks.count)", at: a.location,
                                   suggestion: "write '\(a.tensor)[\(tensor.ranks.joined(separator: ","))]'")
            }
            for (k, (expected, found)) in zip(tensor.ranks, ranks).enumerated() where expected != found {
                let e = rankByName[expected], f = rankByName[found]
                let differ = e.map { Printer.shape($0.shape) } != f.map { Printer.shape($0.shape) }
                let what = "dimension \(k + 1) of '\(a.tensor)' is rank '\(expected)' (shape \(e?.shapeName ?? "?")) but is indexed here by '\(found)' (shape \(f?.shapeName ?? "?"))"
                throw CascadeError(differ ? "rank used with two different shapes: \(what)" : what,
                                   at: locations[k], suggestion: "index '\(a.tensor)' as [\(tensor.ranks.joined(separator: ","))] (fixed at \(origin)), or use a new tensor name")
            }
        } else {
            tensorIndex[a.tensor] = tensors.count
            tensorOrigin[a.tensor] = a.location
            tensors.append(Tensor(name: a.tensor, ranks: ranks, precision: raw.defaultPrecision, role: .intermediate, source: SourceInfo(a.location)))
        }
        return access
    }

    private func resolveIndex(_ index: RawIndex, at loc: SourceLocation) throws -> IndexExpression {
        switch index {
        case .name(let n):
            if let r = rankByShape[n], n != n.lowercased() {
                guard r.isIterative else {
                    throw CascadeError("the final position '\(n)' needs an iterative rank, but '\(r.name)' has no stop condition", at: loc,
                                       suggestion: "add 'stop: \(r.name) >= \(n)', or index the rank as '\(r.name)'")
                }
                return .final(r.name)
            }
            try requireRank(n, at: loc)
            return .rank(n)
        case .next(let n, let k):
            try requireRank(n, at: loc)
            guard rankByName[n]?.isIterative == true else {
                throw CascadeError("rank '\(n)' is used as a running index ('\(n)+\(k)') but has no stop condition", at: loc,
                                   suggestion: "declare it iterative with 'stop: \(n) >= \(n.uppercased())'")
            }
            return .next(n, offset: k)
        case .fixed(let n, let k):
            try requireRank(n, at: loc)
            return .fixed(n, position: k)
        case .split(let outer, let tile, let inner):
            try requireRank(outer, at: loc)
            try requireRank(inner, at: loc)
            guard let o = rankByName[outer], case .partition(let of, let t) = o.shape, t == tile, inner == t.lowercased() else {
                throw CascadeError("'\(outer)*\(tile)+\(inner)' does not match a partition", at: loc,
                                   suggestion: "declare 'rank \(outer.uppercased()) = \(outer.uppercased().dropLast()) / \(tile)' with tile '\(tile)' indexed as '\(tile.lowercased())'")
            }
            return .split(parent: of.lowercased(), outer: outer, inner: inner)
        }
    }
}
