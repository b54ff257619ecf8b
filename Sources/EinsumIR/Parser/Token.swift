/// A lexical token of the `.einsum` format.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(String)
        /// The rest of a `cascade NAME` line, taken verbatim (names may contain '-').
        case text(String)
        case leftBracket, rightBracket, leftParen, rightParen
        case comma, equals, plus, minus, star, slash, caret
        case colon, doubleColon, at, greaterEqual
        case newline, end
    }

    var kind: Kind
    var line: Int
    var column: Int
    /// Byte offsets of the token's text in the source.
    var start: Int
    var end: Int

    /// How the token is named in "expected …, found …" messages.
    var described: String {
        switch kind {
        case .identifier(let s): return "'\(s)'"
        case .number(let s): return "number \(s)"
        case .text(let s): return "'\(s)'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .equals: return "'='"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .caret: return "'^'"
        case .colon: return "':'"
        case .doubleColon: return "'::'"
        case .at: return "'@'"
        case .greaterEqual: return "'>='"
        case .newline: return "the end of the line"
        case .end: return "the end of the file"
        }
    }
}
