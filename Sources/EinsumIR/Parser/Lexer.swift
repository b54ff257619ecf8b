import EinsimCore

/// Splits `.einsum` text into tokens. Works on UTF-8 bytes (fast in debug builds too); columns
/// count Unicode scalars. Comments: `#` or `//` to the end of the line, and `/* … */`.
struct Lexer {
    let bytes: [UInt8]
    let file: String

    init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    /// Spellings people paste from the papers, and what to write instead.
    private static let unicodeHints: [String: String] = [
        "×": "*", "·": "*", "−": "-", "÷": "/", "≥": ">=", "∞": "inf", "⋄": "stop", "⋁": ":: reduce", "⋀": "a map (it is implicit)",
    ]

    func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 3)
        var i = 0, line = 1, column = 1
        let n = bytes.count

        func location() -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
        func add(_ kind: Token.Kind, length: Int) {
            tokens.append(Token(kind: kind, line: line, column: column, start: i, end: i + length))
            i += length
            column += length
        }

        while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1; column += 1
            case UInt8(ascii: "\n"):
                tokens.append(Token(kind: .newline, line: line, column: column, start: i, end: i + 1))
                i += 1; line += 1; column = 1
            case UInt8(ascii: "#"):
                while i < n, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "/"):
                while i < n, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "*"):
                let startLocation = location()
                i += 2; column += 2
                var closed = false
                while i < n {
                    if bytes[i] == UInt8(ascii: "*"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "/") {
                        i += 2; column += 2; closed = true; break
                    }
                    if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
                    i += 1
                }
                if !closed {
                    throw CascadeError("unterminated comment: expected '*/'", at: startLocation, suggestion: "close the comment with '*/'")
                }
            case UInt8(ascii: "["): add(.leftBracket, length: 1)
            case UInt8(ascii: "]"): add(.rightBracket, length: 1)
            case UInt8(ascii: "("): add(.leftParen, length: 1)
            case UInt8(ascii: ")"): add(.rightParen, length: 1)
            case UInt8(ascii: ","): add(.comma, length: 1)
            case UInt8(ascii: "="): add(.equals, length: 1)
            case UInt8(ascii: "+"): add(.plus, length: 1)
            case UInt8(ascii: "-"): add(.minus, length: 1)
            case UInt8(ascii: "*"): add(.star, length: 1)
            case UInt8(ascii: "/"): add(.slash, length: 1)
            case UInt8(ascii: "^"): add(.caret, length: 1)
            case UInt8(ascii: "@"): add(.at, length: 1)
            case UInt8(ascii: ":"):
                if i + 1 < n, bytes[i + 1] == UInt8(ascii: ":") { add(.doubleColon, length: 2) } else { add(.colon, length: 1) }
            case UInt8(ascii: ">"):
                if i + 1 < n, bytes[i + 1] == UInt8(ascii: "=") {
                    add(.greaterEqual, length: 2)
                } else {
                    throw CascadeError("unexpected '>': expected '>='", at: location(), suggestion: "stop conditions are written 'stop: m1 >= M1'")
                }
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
                try lexNumber(&tokens, &i, line: line, column: &column)
            default:
                if Lexer.isIdentifierStart(c) {
                    var j = i + 1
                    while j < n, Lexer.isIdentifierContinue(bytes[j]) { j += 1 }
                    let text = String(decoding: bytes[i..<j], as: UTF8.self)
                    let startsLine = tokens.last.map { $0.kind == .newline } ?? true
                    add(.identifier(text), length: j - i)
                    if startsLine && text == "cascade" { lexRestOfLine(&tokens, &i, line: line, column: &column) }
                } else {
                    throw unexpectedCharacter(at: i, location: location())
                }
            }
        }
        tokens.append(Token(kind: .end, line: line, column: column, start: n, end: n))
        return tokens
    }

    /// After `cascade`: the rest of the line up to a `#` comment, trimmed, as one `.text` token.
    private func lexRestOfLine(_ tokens: inout [Token], _ i: inout Int, line: Int, column: inout Int) {
        let n = bytes.count
        while i < n, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1; column += 1 }
        let start = i, startColumn = column
        var end = i
        while i < n, bytes[i] != UInt8(ascii: "\n"), bytes[i] != UInt8(ascii: "#") {
            if bytes[i] != UInt8(ascii: " "), bytes[i] != UInt8(ascii: "\t"), bytes[i] != UInt8(ascii: "\r") { end = i + 1 }
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        guard end > start else { return }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        tokens.append(Token(kind: .text(text), line: line, column: startColumn, start: start, end: end))
    }

    private func lexNumber(_ tokens: inout [Token], _ i: inout Int, line: Int, column: inout Int) throws {
        let n = bytes.count
        let start = i
        // Take the whole run a person would see as one word, then check its form.
        var j = i
        while j < n, Lexer.isIdentifierContinue(bytes[j]) || bytes[j] == UInt8(ascii: ".")
            || ((bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) && j > start && (bytes[j - 1] == UInt8(ascii: "e") || bytes[j - 1] == UInt8(ascii: "E")) && bytes[start] != UInt8(ascii: "."))
        {
            j += 1
        }
        let text = String(decoding: bytes[start..<j], as: UTF8.self)
        if !Lexer.isWellFormedNumber(Array(bytes[start..<j])) {
            throw CascadeError("bad number '\(text)': expected digits with an optional fraction and exponent, like 4096, 0.25 or 1e-3",
                               at: SourceLocation(file: file, line: line, column: column),
                               suggestion: text.first == "." ? "write '0\(text)'" : "write a plain number such as 4096 or 0.25")
        }
        tokens.append(Token(kind: .number(text), line: line, column: column, start: start, end: j))
        column += j - start
        i = j
    }

    /// `digits ('.' digits)? ([eE] [+-]? digits)?`
    static func isWellFormedNumber(_ b: [UInt8]) -> Bool {
        var k = 0
        func digits() -> Int {
            let s = k
            while k < b.count, b[k] >= UInt8(ascii: "0"), b[k] <= UInt8(ascii: "9") { k += 1 }
            return k - s
        }
        if digits() == 0 { return false }
        if k < b.count, b[k] == UInt8(ascii: ".") { k += 1; if digits() == 0 { return false } }
        if k < b.count, b[k] == UInt8(ascii: "e") || b[k] == UInt8(ascii: "E") {
            k += 1
            if k < b.count, b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") { k += 1 }
            if digits() == 0 { return false }
        }
        return k == b.count
    }

    private func unexpectedCharacter(at i: Int, location: SourceLocation) -> CascadeError {
        // Decode the whole scalar for the message.
        var j = i + 1
        while j < bytes.count, bytes[j] & 0xC0 == 0x80 { j += 1 }
        let text = String(decoding: bytes[i..<j], as: UTF8.self)
        let hint = Lexer.unicodeHints[text].map { "write '\($0)' instead of '\(text)'" }
        return CascadeError("unexpected character '\(text)'", at: location, suggestion: hint ?? "the .einsum format is ASCII: names, numbers, [ ] ( ) , = + - * / ^ : :: @ >=")
    }

    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_")
    }

    static func isIdentifierContinue(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }
}
