import EinsimCore

/// Reads the statements of a `.einsum` file into a ``RawCascade`` (syntax and declarations only;
/// ``CascadeChecker`` resolves names and checks shapes afterwards).
struct StatementParser {
    private let tokens: [Token]
    private let source: [UInt8]
    private let file: String
    private var position = 0
    private var raw = RawCascade()
    private var inInitialization = false
    private var pendingSparsity: RawSparsity?
    /// Operands and nesting of the expression being read, bounded so deep trees cannot exhaust the stack.
    private var expressionNodes = 0
    private var expressionDepth = 0
    static let maximumExpressionNodes = 1024
    static let maximumExpressionDepth = 128

    /// Words that start a declaration when they are not followed by `[` or `=`.
    static let keywords = ["cascade", "precision", "rank", "stop", "operator", "input", "output", "tensor", "initialization", "einsums", "extended"]
    /// Largest rank size accepted (sizes are exact in `Double` below 2^53).
    static let maximumRankSize = 1 << 53

    init(tokens: [Token], source: [UInt8], file: String) {
        self.tokens = tokens
        self.source = source
        self.file = file
    }

    // MARK: - Token helpers

    private var current: Token { tokens[position] }
    private func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }
    private func location(_ t: Token) -> SourceLocation { SourceLocation(file: file, line: t.line, column: t.column) }

    private func error(_ what: String, at t: Token, suggestion: String? = nil) -> CascadeError {
        CascadeError("expected \(what), found \(t.described)", at: location(t), suggestion: suggestion)
    }

    private mutating func expect(_ kind: Token.Kind, _ what: String, suggestion: String? = nil) throws -> Token {
        guard current.kind == kind else { throw error(what, at: current, suggestion: suggestion) }
        return advance()
    }

    private mutating func identifier(_ what: String, suggestion: String? = nil) throws -> (String, SourceLocation) {
        guard case .identifier(let name) = current.kind else { throw error(what, at: current, suggestion: suggestion) }
        return (name, location(advance()))
    }

    private mutating func endOfStatement(after what: String) throws {
        switch current.kind {
        case .newline: _ = advance()
        case .end: break
        default: throw error("the end of the line after \(what)", at: current, suggestion: "write one statement per line")
        }
    }

    private func isIdentifier(_ t: Token, _ word: String) -> Bool {
        if case .identifier(let s) = t.kind { return s.lowercased() == word }
        return false
    }

    /// The source text of the rest of the line (comments stripped by the lexer), trimmed.
    private mutating func restOfLine() -> (String, SourceLocation) {
        let first = current
        var last = first
        while current.kind != .newline && current.kind != .end { last = advance() }
        if first.kind == .newline || first.kind == .end { return ("", location(first)) }
        let text = String(decoding: source[first.start..<last.end], as: UTF8.self)
        return (text, location(first))
    }

    // MARK: - Statements

    mutating func parse() throws -> RawCascade {
        while true {
            switch current.kind {
            case .end:
                if let s = pendingSparsity {
                    throw CascadeError("expected an Einsum after the sparsity annotation, found the end of the file", at: s.location, suggestion: "put the annotation on the line before the Einsum it applies to")
                }
                return raw
            case .newline:
                _ = advance()
            case .at:
                try parseAnnotation()
            case .identifier(let word):
                let next = peek().kind
                let isDeclaration = Self.keywords.contains(word.lowercased()) && next != .leftBracket && next != .equals
                if isDeclaration {
                    try parseDeclaration(word.lowercased())
                } else {
                    try parseEinsum()
                }
            default:
                throw error("a declaration or an Einsum", at: current, suggestion: "statements start with a keyword (rank, input, output, tensor, operator, stop) or a tensor name")
            }
        }
    }

    private mutating func parseDeclaration(_ word: String) throws {
        if pendingSparsity != nil, word != "initialization", word != "einsums", word != "extended" {
            throw error("an Einsum after the sparsity annotation", at: current)
        }
        let keyword = advance()
        switch word {
        case "cascade":
            guard case .text(let name) = current.kind else {
                throw error("a cascade name after 'cascade'", at: current, suggestion: "write 'cascade attention-1pass'")
            }
            _ = advance()
            if raw.name != nil {
                throw CascadeError("duplicate cascade name", at: location(keyword), suggestion: "name the cascade once")
            }
            raw.name = name
            try endOfStatement(after: "the cascade name")
        case "precision":
            raw.defaultPrecision = try parsePrecision()
            try endOfStatement(after: "the precision")
        case "rank":
            try parseRank()
        case "stop":
            _ = try expect(.colon, "':' after 'stop'", suggestion: "write 'stop: m1 >= M1'")
            let (rank, loc) = try identifier("an iterative rank's index name after 'stop:'", suggestion: "write 'stop: m1 >= M1'")
            _ = try expect(.greaterEqual, "'>=' in the stop condition", suggestion: "write 'stop: \(rank) >= \(rank.uppercased())'")
            let (bound, boundLoc) = try identifier("the rank's shape name after '>='", suggestion: "write 'stop: \(rank) >= \(rank.uppercased())'")
            raw.stops.append(RawStop(rank: rank, bound: bound, location: loc, boundLocation: boundLoc))
            try endOfStatement(after: "the stop condition")
        case "operator":
            let (name, loc) = try identifier("an operator name after 'operator'", suggestion: "write 'operator softplus : special-function'")
            if ["exp", "max", "min", "sum"].contains(name) || raw.operators.contains(where: { $0.name == name }) {
                throw CascadeError("duplicate declaration of operator '\(name)'", at: loc, suggestion: "give the operator another name")
            }
            _ = try expect(.colon, "':' and a cost class after the operator name", suggestion: "write 'operator \(name) : vector-add' (classes: \(CostClass.allCases.map(\.rawValue).joined(separator: ", ")))")
            let (text, classLoc) = restOfLine()
            guard let costClass = CostClass(rawValue: text) ?? CostClass.allCases.first(where: { "\($0)" == text }) else {
                let names = CostClass.allCases.map(\.rawValue)
                throw CascadeError("unknown cost class '\(text)': expected one of \(names.joined(separator: ", "))", at: classLoc,
                                   suggestion: Suggestions.didYouMean(text, in: names) ?? "use one of \(names.joined(separator: ", "))")
            }
            raw.operators.append(UserOperator(name: name, costClass: costClass, source: SourceInfo(loc)))
            try endOfStatement(after: "the cost class")
        case "input", "output", "tensor":
            try parseTensorDeclaration(role: word == "input" ? .input : word == "output" ? .output : .intermediate)
        case "initialization", "einsums", "extended":
            if word == "extended" {
                guard isIdentifier(current, "einsums") else { throw error("'Einsums:' after 'Extended'", at: current) }
                _ = advance()
            }
            _ = try expect(.colon, "':' after the section name", suggestion: "write 'initialization:' or 'einsums:'")
            if let s = pendingSparsity {
                throw CascadeError("expected an Einsum after the sparsity annotation, found a section header", at: s.location)
            }
            inInitialization = word == "initialization"
            try endOfStatement(after: "the section header")
        default:
            throw error("a declaration", at: keyword)
        }
    }

    private mutating func parsePrecision() throws -> Precision {
        let (name, loc) = try identifier("a precision (\(Precision.allCases.map(\.rawValue).joined(separator: ", ")))")
        guard let p = Precision(rawValue: name.lowercased()) else {
            let names = Precision.allCases.map(\.rawValue)
            throw CascadeError("unknown precision '\(name)': expected one of \(names.joined(separator: ", "))", at: loc,
                               suggestion: Suggestions.didYouMean(name, in: names) ?? "use one of \(names.joined(separator: ", "))")
        }
        return p
    }

    private mutating func parseRank() throws {
        let (shapeName, loc) = try identifier("a rank's shape name after 'rank'", suggestion: "write 'rank M = 4096'")
        guard shapeName == shapeName.uppercased() else {
            throw CascadeError("rank shape names are written in upper case: '\(shapeName)'", at: loc,
                               suggestion: "write 'rank \(shapeName.uppercased())'; tensors then index it as '\(shapeName.lowercased())'")
        }
        _ = try expect(.equals, "'=' and a size after the rank name", suggestion: "write 'rank \(shapeName) = 4096'")
        let shape: RankShape
        switch current.kind {
        case .number:
            shape = .literal(try rankSize(advance()))
        case .identifier(let other):
            let otherLoc = location(advance())
            try requireDeclaredRank(other, at: otherLoc)
            if current.kind == .slash {
                _ = advance()
                let (tile, tileLoc) = try identifier("the tile rank's shape name after '/'", suggestion: "write 'rank \(shapeName) = \(other) / \(other)0'")
                try requireDeclaredRank(tile, at: tileLoc)
                for r in raw.ranks {
                    guard case .partition(let of, let t) = r.shape else { continue }
                    if of == other {
                        throw CascadeError("rank '\(other)' is already partitioned (by \(r.shapeName) = \(of) / \(t))", at: otherLoc, suggestion: "partition a rank once; partition '\(r.shapeName)' further instead")
                    }
                    if t == tile {
                        throw CascadeError("rank '\(tile)' is already the tile of \(r.shapeName) = \(of) / \(t)", at: tileLoc, suggestion: "declare another tile rank, e.g. 'rank \(other)0 = …'")
                    }
                }
                if tile == other { throw CascadeError("a rank cannot be partitioned by itself", at: tileLoc) }
                if let i = raw.rankIndexByShape[tile], raw.ranks[i].isDerived {
                    throw CascadeError("the tile rank '\(tile)' must have a size of its own, not a partition", at: tileLoc)
                }
                shape = .partition(of: other, tile: tile)
            } else {
                shape = .alias(other)
            }
        default:
            throw error("a size (a number, another rank's name, or 'M / M0')", at: current, suggestion: "write 'rank \(shapeName) = 4096'")
        }
        if let i = raw.rankIndexByShape[shapeName] {
            let first = raw.ranks[i]
            let firstAt = first.source.location.map { "\($0.line):\($0.column)" } ?? "?"
            if first.shape == shape {
                throw CascadeError("duplicate declaration of rank '\(shapeName)' (first declared at \(firstAt))", at: loc, suggestion: "remove one of the declarations")
            }
            throw CascadeError("rank '\(shapeName)' is declared with two different shapes (\(Printer.shape(first.shape)) at \(firstAt), \(Printer.shape(shape)) here)", at: loc,
                               suggestion: "keep one declaration, or name the second rank differently")
        }
        raw.rankIndexByShape[shapeName] = raw.ranks.count
        raw.ranks.append(Rank(shapeName: shapeName, shape: shape, source: SourceInfo(loc)))
        try endOfStatement(after: "the rank declaration")
    }

    private func requireDeclaredRank(_ shapeName: String, at loc: SourceLocation) throws {
        guard raw.rankIndexByShape[shapeName] == nil else { return }
        throw CascadeError("undeclared rank '\(shapeName)'", at: loc,
                           suggestion: Suggestions.didYouMean(shapeName, in: raw.ranks.map(\.shapeName)) ?? "declare 'rank \(shapeName.uppercased()) = …' on an earlier line")
    }

    private func rankSize(_ t: Token) throws -> Int {
        guard case .number(let text) = t.kind else { throw error("a number", at: t) }
        guard let value = Int(text) else {
            if text.allSatisfy(\.isNumber) {
                throw CascadeError("number \(text) is too large for a rank size (at most 2^53)", at: location(t), suggestion: "use a size below 9007199254740992")
            }
            throw CascadeError("bad rank size \(text): expected a whole number", at: location(t), suggestion: "write a whole number such as 4096")
        }
        guard value >= 1 else { throw CascadeError("rank sizes must be at least 1, found \(text)", at: location(t), suggestion: "write a positive size") }
        guard value <= Self.maximumRankSize else {
            throw CascadeError("number \(text) is too large for a rank size (at most 2^53)", at: location(t), suggestion: "use a size below 9007199254740992")
        }
        return value
    }

    private mutating func parseTensorDeclaration(role: TensorRole) throws {
        let (name, loc) = try identifier("a tensor name", suggestion: "write e.g. 'input Q[b,h,e,p]'")
        var ranks: [(name: String, location: SourceLocation)] = []
        if current.kind == .leftBracket {
            let open = advance()
            if current.kind != .rightBracket {
                while true {
                    let (r, rLoc) = try identifier("a rank index name", suggestion: "tensor declarations list rank index names, e.g. 'input Q[b,h,e,p]'")
                    ranks.append((r, rLoc))
                    if current.kind == .comma { _ = advance(); continue }
                    guard current.kind == .rightBracket else { throw error("',' or ']' to close '[' at \(open.line):\(open.column)", at: current) }
                    break
                }
            }
            _ = advance()
        }
        var precision: Precision?
        if current.kind == .colon {
            _ = advance()
            precision = try parsePrecision()
        }
        raw.tensors.append(RawTensorDeclaration(name: name, role: role, ranks: ranks, precision: precision, location: loc))
        try endOfStatement(after: "the tensor declaration")
    }

    private mutating func parseAnnotation() throws {
        let at = advance()
        if let s = pendingSparsity {
            throw CascadeError("an Einsum takes one sparsity annotation; found a second one", at: location(at), suggestion: "combine them into one (the first is at \(s.location.line):\(s.location.column))")
        }
        let (word, wordLoc) = try identifier("'density' or 'mask' after '@'", suggestion: "write '@density(m1,p1) = 0.25' or '@mask(m1,p1) = 0.1 pattern causal'")
        guard let kind = Sparsity.Kind(rawValue: word) else {
            throw CascadeError("unknown annotation '@\(word)': expected '@density' or '@mask'", at: wordLoc,
                               suggestion: Suggestions.didYouMean(word, in: Sparsity.Kind.allCases.map(\.rawValue)) ?? "write '@density(m1,p1) = 0.25'")
        }
        let open = try expect(.leftParen, "'(' and the ranks the \(word) applies to", suggestion: "write '@\(word)(m1,p1) = 0.25'")
        var ranks: [(name: String, location: SourceLocation)] = []
        while true {
            let (r, rLoc) = try identifier("a rank index name", suggestion: "write '@\(word)(m1,p1) = 0.25'")
            ranks.append((r, rLoc))
            if current.kind == .comma { _ = advance(); continue }
            guard current.kind == .rightParen else { throw error("',' or ')' to close '(' at \(open.line):\(open.column)", at: current) }
            _ = advance()
            break
        }
        _ = try expect(.equals, "'=' and a density", suggestion: "write '@\(word)(...) = 0.25'")
        let densityToken = current
        guard case .number(let text) = densityToken.kind, let density = Double(text) else {
            throw error("a density between 0 and 1", at: densityToken, suggestion: "write a fraction such as 0.25")
        }
        _ = advance()
        guard density > 0, density <= 1 else {
            throw CascadeError("density must be in (0, 1], found \(text)", at: location(densityToken), suggestion: "write the fraction of points kept, e.g. 0.25")
        }
        var pattern: String?
        if isIdentifier(current, "pattern") {
            _ = advance()
            guard kind == .mask else { throw CascadeError("only '@mask' takes a pattern", at: location(tokens[position - 1]), suggestion: "write '@mask(...) = \(text) pattern NAME'") }
            let (p, _) = try identifier("a pattern name after 'pattern'", suggestion: "write e.g. 'pattern causal'")
            pattern = p
        }
        pendingSparsity = RawSparsity(kind: kind, ranks: ranks, density: density, pattern: pattern, location: location(at))
        try endOfStatement(after: "the annotation")
    }

    // MARK: - Einsums

    private mutating func parseEinsum() throws {
        let start = current
        let output = try parseAccess()
        guard current.kind == .equals else {
            if case .identifier(let word) = start.kind, case .identifier = peek(0).kind, output.indices == nil {
                throw CascadeError("expected '[' or '=' after '\(word)', found \(current.described)", at: location(current),
                                   suggestion: Suggestions.didYouMean(word, in: Self.keywords) ?? "an Einsum reads 'OUT[ranks] = expression'")
            }
            throw error("'=' after the result tensor", at: current, suggestion: "an Einsum reads 'OUT[ranks] = expression'")
        }
        _ = advance()
        expressionNodes = 0
        expressionDepth = 0
        let expression = try parseExpression()
        var reduction: RawReduction?
        if current.kind == .doubleColon {
            let colons = advance()
            guard isIdentifier(current, "reduce") else { throw error("'reduce' after '::'", at: current, suggestion: "write ':: reduce m max'") }
            _ = advance()
            var ranks: [(name: String, location: SourceLocation)] = []
            let (first, firstLoc) = try identifier("the reduced rank's index name after 'reduce'", suggestion: "write ':: reduce m max'")
            ranks.append((first, firstLoc))
            while current.kind == .comma {
                _ = advance()
                let (r, rLoc) = try identifier("a rank index name after ','", suggestion: "write ':: reduce m1,m0 max'")
                ranks.append((r, rLoc))
            }
            let (op, opLoc) = try identifier("the reduction operator (sum, max, min or a declared operator) after the ranks", suggestion: "write ':: reduce \(first) max'")
            reduction = RawReduction(ranks: ranks, op: op, opLocation: opLoc, location: location(colons))
        }
        try endOfStatement(after: "the Einsum")
        raw.einsums.append(RawEinsum(isInitialization: inInitialization, output: output, expression: expression, reduction: reduction, sparsity: pendingSparsity, location: location(start)))
        pendingSparsity = nil
    }

    private mutating func parseAccess() throws -> RawAccess {
        let (name, loc) = try identifier("a tensor name", suggestion: "an Einsum reads 'OUT[ranks] = expression'")
        guard current.kind == .leftBracket else { return RawAccess(tensor: name, indices: nil, location: loc) }
        let open = advance()
        var indices: [(index: RawIndex, location: SourceLocation)] = []
        if current.kind == .rightBracket { _ = advance(); return RawAccess(tensor: name, indices: [], location: loc) }
        while true {
            let indexLoc = location(current)
            indices.append((try parseIndex(), indexLoc))
            if current.kind == .comma { _ = advance(); continue }
            guard current.kind == .rightBracket else {
                throw error("',' or ']' to close '[' at \(open.line):\(open.column)", at: current, suggestion: current.kind == .newline || current.kind == .end ? "the tensor access is unterminated: add ']'" : nil)
            }
            _ = advance()
            return RawAccess(tensor: name, indices: indices, location: loc)
        }
    }

    private mutating func parseIndex() throws -> RawIndex {
        let (name, _) = try identifier("a rank index (m, m1+1, m1*M0+m0, m1:m1=0 or M1)")
        switch current.kind {
        case .plus:
            _ = advance()
            let t = current
            guard case .number(let text) = t.kind, let k = Int(text), k >= 1, k <= 1_000_000 else {
                throw error("a positive whole number after '+' (as in '\(name)+1')", at: t)
            }
            _ = advance()
            return .next(name, offset: k)
        case .star:
            _ = advance()
            let (tile, _) = try identifier("the tile rank's shape name after '*' (as in '\(name)*\(name.dropLast())0+\(name.dropLast())0')")
            _ = try expect(.plus, "'+' and the inner index (as in '\(name)*\(tile)+\(tile.lowercased())')")
            let (inner, _) = try identifier("the inner rank's index name (as in '\(name)*\(tile)+\(tile.lowercased())')")
            return .split(outer: name, tile: tile, inner: inner)
        case .colon, .equals:
            if current.kind == .colon {
                _ = advance()
                let (again, againLoc) = try identifier("'\(name)=0' after ':' (as in '\(name):\(name)=0')")
                guard again == name else {
                    throw CascadeError("expected '\(name)' in the position filter, found '\(again)'", at: againLoc, suggestion: "write '\(name):\(name)=0'")
                }
            }
            _ = try expect(.equals, "'=' and a position (as in '\(name):\(name)=0')")
            let t = current
            guard case .number(let text) = t.kind, let k = Int(text), k >= 0, k <= Self.maximumRankSize else {
                throw error("a whole-number position after '='", at: t)
            }
            _ = advance()
            return .fixed(name, position: k)
        default:
            return .name(name)
        }
    }

    // MARK: - Expressions (precedence climbing)

    private mutating func parseExpression() throws -> RawExpression {
        var left = try parseTerm()
        while current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            left = .binary(op, left, try parseTerm())
        }
        return left
    }

    private mutating func parseTerm() throws -> RawExpression {
        var left = try parseUnary()
        while current.kind == .star || current.kind == .slash {
            let op: BinaryOperator = advance().kind == .star ? .multiply : .divide
            left = .binary(op, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws -> RawExpression {
        var negations = 0
        while current.kind == .minus {
            let minus = advance()
            negations += 1
            expressionNodes += 1
            guard expressionNodes <= Self.maximumExpressionNodes else {
                throw CascadeError("expression too long: more than \(Self.maximumExpressionNodes) operands", at: location(minus), suggestion: "split it into several Einsums")
            }
        }
        var operand = try parsePrimary()
        for _ in 0..<negations {
            if case .constant(let v) = operand { operand = .constant(-v) } else { operand = .negate(operand) }
        }
        return operand
    }

    private mutating func parsePrimary() throws -> RawExpression {
        let t = current
        expressionNodes += 1
        guard expressionNodes <= Self.maximumExpressionNodes else {
            throw CascadeError("expression too long: more than \(Self.maximumExpressionNodes) operands", at: location(t), suggestion: "split it into several Einsums")
        }
        expressionDepth += 1
        defer { expressionDepth -= 1 }
        guard expressionDepth <= Self.maximumExpressionDepth else {
            throw CascadeError("expression nested too deeply (more than \(Self.maximumExpressionDepth) levels)", at: location(t), suggestion: "split it into several Einsums")
        }
        switch t.kind {
        case .number(let text):
            _ = advance()
            guard let v = Double(text), v.isFinite else {
                throw CascadeError("number \(text) is too large", at: location(t), suggestion: "write 'inf' for infinity, or a smaller number")
            }
            return .constant(v)
        case .leftParen:
            _ = advance()
            let inner = try parseExpression()
            guard current.kind == .rightParen else {
                throw error("')' to close '(' at \(t.line):\(t.column)", at: current, suggestion: "the expression is unterminated: add ')'")
            }
            _ = advance()
            return inner
        case .identifier(let name):
            if name == "inf" { _ = advance(); return .constant(.infinity) }
            if name == "e", peek().kind == .caret {
                _ = advance(); _ = advance()
                return .call("exp", location(t), [try parseUnary()])
            }
            if peek().kind == .leftParen {
                _ = advance()
                let open = advance()
                var args: [RawExpression] = []
                if current.kind != .rightParen {
                    while true {
                        args.append(try parseExpression())
                        if current.kind == .comma { _ = advance(); continue }
                        guard current.kind == .rightParen else {
                            throw error("',' or ')' to close '(' at \(open.line):\(open.column)", at: current, suggestion: "the call to '\(name)' is unterminated: add ')'")
                        }
                        break
                    }
                }
                _ = advance()
                return .call(name, location(t), args)
            }
            return .tensor(try parseAccess())
        case .newline, .end:
            throw error("an operand (a tensor, a number or a call)", at: t, suggestion: "the expression is unterminated: complete it or remove the trailing operator")
        default:
            throw error("an operand (a tensor, a number or a call)", at: t)
        }
    }
}
