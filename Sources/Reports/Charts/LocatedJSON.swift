import EinsimCore

/// A JSON value that remembers the line it starts on, so a report's input errors can name
/// file:line. Object members keep their order in the file.
public struct LocatedJSON: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([LocatedJSON])
        case object([Member])
    }

    /// One `"key": value` of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: LocatedJSON
    }

    public var kind: Kind
    /// 1-based line of the value's first character.
    public var line: Int

    /// The member named `key` (the first, if repeated).
    public subscript(key: String) -> LocatedJSON? {
        guard case let .object(members) = kind else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var number: Double? { if case let .number(n) = kind { return n } else { return nil } }
    public var string: String? { if case let .string(s) = kind { return s } else { return nil } }
    public var array: [LocatedJSON]? { if case let .array(a) = kind { return a } else { return nil } }
    public var members: [Member]? { if case let .object(m) = kind { return m } else { return nil } }

    /// Parses `text` (one JSON document, surrounding whitespace allowed); errors name
    /// `file:line:column`. `firstLine` is the line number of the text's first line in the file.
    public static func parse(_ text: String, file: String, firstLine: Int = 1) throws -> LocatedJSON {
        var parser = Parser(bytes: Array(text.utf8), file: file, line: firstLine)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// A recursive-descent JSON parser over UTF-8 bytes (nesting bounded by `maximumDepth`).
    struct Parser {
        static let maximumDepth = 64
        let bytes: [UInt8]
        let file: String
        var index = 0
        var line: Int
        var lineStart = 0

        init(bytes: [UInt8], file: String, line: Int) { self.bytes = bytes; self.file = file; self.line = line }

        func error(_ message: String) -> SimpleInputError {
            SimpleInputError("not valid JSON: \(message)", at: SourceLocation(file: file, line: line, column: index - lineStart + 1),
                             suggestion: "give the output of einsim simulate|compare|sweep --format json (or sweep --format jsonl)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x0A: line += 1; index += 1; lineStart = index
                case 0x20, 0x09, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> LocatedJSON {
            guard depth < Self.maximumDepth else { throw error("values nest deeper than \(Self.maximumDepth)") }
            guard index < bytes.count else { throw error("the text ends where a value was expected") }
            let start = line
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [Member] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return LocatedJSON(kind: .object(members), line: start) }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    members.append(Member(key: key, value: try value(depth: depth + 1)))
                    skipWhitespace()
                    if try endOrComma(UInt8(ascii: "}")) { return LocatedJSON(kind: .object(members), line: start) }
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [LocatedJSON] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return LocatedJSON(kind: .array(items), line: start) }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    if try endOrComma(UInt8(ascii: "]")) { return LocatedJSON(kind: .array(items), line: start) }
                }
            case UInt8(ascii: "\""):
                return LocatedJSON(kind: .string(try string()), line: start)
            case UInt8(ascii: "t"): try literal("true"); return LocatedJSON(kind: .bool(true), line: start)
            case UInt8(ascii: "f"): try literal("false"); return LocatedJSON(kind: .bool(false), line: start)
            case UInt8(ascii: "n"): try literal("null"); return LocatedJSON(kind: .null, line: start)
            default:
                return LocatedJSON(kind: .number(try number()), line: start)
            }
        }

        /// After a member or item: true at `close` (consumed), false after a comma.
        mutating func endOrComma(_ close: UInt8) throws -> Bool {
            guard index < bytes.count else { throw error("the text ends inside \(close == UInt8(ascii: "}") ? "an object" : "an array")") }
            if bytes[index] == close { index += 1; return true }
            if bytes[index] == UInt8(ascii: ",") { index += 1; return false }
            throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }

        mutating func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
            index += 1
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { throw error("unexpected character") }
            index += w.count
        }

        mutating func number() throws -> Double {
            let start = index
            while index < bytes.count, [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
                    || (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) {
                index += 1
            }
            guard index > start, let n = Double(String(decoding: bytes[start..<index], as: UTF8.self)), n.isFinite else {
                index = start
                throw error("unexpected character")
            }
            return n
        }

        mutating func string() throws -> String {
            index += 1  // the opening quote
            var out: [UInt8] = []
            while index < bytes.count {
                let b = bytes[index]
                switch b {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { throw error("the text ends inside a string") }
                    let e = bytes[index + 1]
                    index += 2
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                              let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else { throw error("bad \\u escape") }
                        index += 4
                        // Surrogates (and anything not a scalar) become U+FFFD: labels only.
                        out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: out.append(e)
                    }
                case 0x0A:
                    throw error("a line break inside a string")
                default:
                    out.append(b)
                    index += 1
                }
            }
            throw error("the text ends inside a string")
        }
    }
}
