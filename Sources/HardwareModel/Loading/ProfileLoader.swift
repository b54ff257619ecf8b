#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Loads a hardware profile from an XML file or string: secure parse, schema validation,
/// inheritance, semantic checks, then a ``HardwareProfile``.
///
/// Every failure is thrown as ``ProfileErrors`` (an `InputError`) holding every problem found,
/// each with file:line:column, the element path and, where one helps, a suggestion.
public enum ProfileLoader {
    /// Largest profile accepted, in bytes.
    public static let maximumBytes = 4 * 1024 * 1024
    /// Deepest element nesting accepted.
    public static let maximumDepth = 64

    /// Loads the profile in the file at `path`. Profiles it extends are searched next to it,
    /// then among the shipped profiles.
    public static func load(path: String) throws -> HardwareProfile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ProfileErrors([ProfileError(.fileNotFound(path: path), file: nil, line: nil)])
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: path)) == nil else {
            throw ProfileErrors([ProfileError(.isDirectory(path: path), file: nil, line: nil)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileErrors([ProfileError(.fileUnreadable(path: path), file: nil, line: nil)])
        }
        return try load(bytes: [UInt8](data), file: path, searchDirectory: directory(of: path))
    }

    /// Loads the profile in `xml`; `file` names it in errors, `searchDirectory` is searched
    /// first for the profiles it extends.
    public static func load(xml: String, file: String, searchDirectory: String?) throws -> HardwareProfile {
        try load(bytes: Array(xml.utf8), file: file, searchDirectory: searchDirectory)
    }

    static func load(bytes: [UInt8], file: String, searchDirectory: String?) throws -> HardwareProfile {
        let resolved = try resolvedTree(bytes: bytes, file: file, searchDirectory: searchDirectory)
        var builder = ProfileBuilder()
        guard let profile = builder.build(resolved), builder.errors.isEmpty else {
            throw ProfileErrors(builder.errors)
        }
        return profile
    }

    /// The schema, compiled from `einsim-hardware.xsd` in the profiles directory.
    static func compiledSchema() throws -> XMLSchema {
        guard let path = ProfileLibrary.schemaPath else {
            throw ProfileErrors([ProfileError(.schemaNotFound, file: nil, line: nil)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileErrors([ProfileError(.fileUnreadable(path: path), file: nil, line: nil)])
        }
        switch XMLSchema.compile([UInt8](data), file: path) {
        case .success(let schema):
            return schema
        case .failure(let failure):
            throw ProfileErrors(failure.diagnostics.map {
                ProfileError(.schemaUnreadable(path: path, detail: $0.message), file: path, line: $0.line)
            })
        }
    }

    /// The directory part of `path` ("." when there is none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
