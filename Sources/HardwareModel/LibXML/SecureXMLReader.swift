#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EinsimCore

/// A parsed XML element for other einsim inputs (experiment files): plain values with the line
/// each element came from. Read with the same protections as hardware profiles (no network, no
/// DTD, no entities, bounded size and depth), without a schema.
public struct XMLTree: Sendable, Hashable {
    public var name: String
    public var attributes: [String: String]
    public var text: String
    public var children: [XMLTree]
    public var file: String
    public var line: Int

    init(_ node: XMLElementNode) {
        name = node.name
        attributes = Dictionary(node.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        text = node.text
        children = node.children.map(XMLTree.init)
        file = node.file
        line = node.line
    }

    /// Where this element is, for error messages.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: 1) }
}

/// Reads XML files other than profiles with the profile loader's protections.
public enum SecureXMLReader {
    public static func read(path: String) throws -> XMLTree { try read(path: path, schemaPath: nil) }

    /// Reads `path` as `read(path:)` does, then validates it against the XSD at `schemaPath`
    /// (the first violation is an error at its file:line with the element path).
    public static func read(path: String, schemaPath: String?) throws -> XMLTree {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimpleInputError("cannot read '\(path)'", suggestion: "check the path")
        }
        var schema: XMLSchema?
        if let schemaPath {
            guard let bytes = FileManager.default.contents(atPath: schemaPath) else {
                throw SimpleInputError("cannot read the schema '\(schemaPath)'", suggestion: "reinstall einsim or set EINSIM_PROFILES to the folder with the shipped profiles and schemas")
            }
            switch XMLSchema.compile(Array(bytes), file: schemaPath) {
            case .success(let compiled): schema = compiled
            case .failure(let failure):
                throw SimpleInputError("the schema '\(schemaPath)' could not be compiled: \(failure.diagnostics.first?.message ?? "")")
            }
        }
        let limits = XMLLimits(maxBytes: ProfileLoader.maximumBytes, maxDepth: ProfileLoader.maximumDepth)
        switch LibXML.read(Array(data), file: path, limits: limits, schema: schema) {
        case .success(let tree):
            return XMLTree(tree)
        case .failure(let failure):
            let first = failure.diagnostics.first
            let message: String
            switch first?.kind {
            case .tooLarge(let bytes, let limit)?: message = "the file is \(bytes) bytes; the limit is \(limit)"
            case .forbiddenDeclaration(let d)?: message = "\(d) declarations are not allowed (no DTDs, no entities)"
            case .tooDeep(let limit)?: message = "elements nest deeper than \(limit)"
            case .schema?: message = "\(first?.path.map { $0 + ": " } ?? "")\(first?.message ?? "does not follow the schema")"
            default: message = "the file is not well-formed XML: \(first?.message ?? "")"
            }
            var suggestion: String?
            if case .schema? = first?.kind, let schema, let text = first?.message {
                // "Element 'paramter': …" / "The attribute 'valus' is not allowed": the nearest declared name.
                let quoted = text.split(separator: "'", omittingEmptySubsequences: false)
                if quoted.count >= 2 {
                    let name = String(quoted[1])
                    let names = text.contains("attribute") ? schema.attributeNames : schema.elementNames
                    if !names.contains(name) { suggestion = Suggestions.didYouMean(name, in: names) }
                }
            }
            throw SimpleInputError(message, at: SourceLocation(file: path, line: first?.line ?? 1, column: first?.column ?? 1), suggestion: suggestion)
        }
    }
}
