/// A position in a user's input file (1-based line and column).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and compilers use.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error caused by a user's input: it says where, what was expected, and what to do.
///
/// Every loader and parser in einsim throws errors conforming to this protocol; the CLI renders
/// them with ``rendered`` and exits with status 2.
public protocol InputError: Error, CustomStringConvertible, Sendable {
    /// Where in the input the problem is (nil when it concerns no single place, e.g. a missing file).
    var location: SourceLocation? { get }
    /// What is wrong, in one sentence.
    var message: String { get }
    /// What to do about it, if something obvious helps ("did you mean 'exp'?").
    var suggestion: String? { get }
}

extension InputError {
    /// `file:line:column: error: message` followed by `  suggestion: …` when there is one.
    public var rendered: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "error: \(Self.bounded(message))"
        if let suggestion { text += "\n  suggestion: \(Self.bounded(suggestion))" }
        return text
    }

    /// At most `limit` characters of a message line: errors quote user text, and a generated
    /// file can put megabytes where a value belongs. Multi-line messages (a list of problems)
    /// are bounded line by line.
    static func bounded(_ text: String, limit: Int = 400) -> String {
        guard text.count > limit else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count > limit ? String($0.prefix(limit)) + "… (\($0.count - limit) more characters)" : String($0) }
            .joined(separator: "\n")
    }

    public var description: String { rendered }
}

/// A plain input error with no more structure than its fields.
public struct SimpleInputError: InputError, Hashable {
    public var location: SourceLocation?
    public var message: String
    public var suggestion: String?

    public init(_ message: String, at location: SourceLocation? = nil, suggestion: String? = nil) {
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }
}
