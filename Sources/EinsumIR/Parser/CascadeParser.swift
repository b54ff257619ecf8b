import EinsimCore
import Foundation

/// Reads `.einsum` text into a checked ``Cascade``. The format is documented in
/// `Examples/cascades/README.md`. Every error is a ``CascadeError`` (an `InputError`) naming
/// file:line:column, what was expected, and a suggestion.
public enum CascadeParser {
    /// Largest file accepted (16 MiB).
    public static let maximumFileSize = 16 * 1024 * 1024

    /// Parses and checks `text`; `file` names it in error messages and is the default cascade name.
    public static func parse(_ text: String, file: String) throws -> Cascade {
        guard text.utf8.count <= maximumFileSize else {
            throw CascadeError("the input is \(text.utf8.count) bytes, more than the 16 MiB a .einsum file may have", at: nil, suggestion: "split the cascade or generate it in code")
        }
        let lexer = Lexer(text: text, file: file)
        let tokens = try lexer.tokenize()
        var parser = StatementParser(tokens: tokens, source: lexer.bytes, file: file)
        let raw = try parser.parse()
        let stem = (file as NSString).lastPathComponent.replacingOccurrences(of: ".einsum", with: "")
        var checker = CascadeChecker(raw: raw, defaultName: stem.isEmpty ? "cascade" : stem, file: file)
        return try checker.check()
    }

    /// Reads and parses the file at `path` (missing, unreadable, oversized or non-UTF-8 files are errors).
    public static func parse(contentsOf path: String) throws -> Cascade {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CascadeError("cannot find the file '\(path)'", suggestion: "check the path; .einsum examples are in Examples/cascades/")
        }
        guard !isDirectory.boolValue else { throw CascadeError("'\(path)' is a directory, not a .einsum file") }
        if let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > maximumFileSize {
            throw CascadeError("'\(path)' is \(size.intValue) bytes, more than the 16 MiB a .einsum file may have", suggestion: "split the cascade or generate it in code")
        }
        guard let data = manager.contents(atPath: path) else {
            throw CascadeError("cannot read the file '\(path)'", suggestion: "check its permissions")
        }
        guard data.count <= maximumFileSize else {
            throw CascadeError("'\(path)' is \(data.count) bytes, more than the 16 MiB a .einsum file may have", suggestion: "split the cascade or generate it in code")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CascadeError("'\(path)' is not UTF-8 text (the first byte that does not decode is here)",
                               at: UTF8Check.location(of: data, file: path), suggestion: "save the file as UTF-8")
        }
        return try parse(text, file: path)
    }
}
