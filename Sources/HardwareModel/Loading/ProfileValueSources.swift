#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One value of a resolved hardware profile and where it was written: the file and line of the
/// element after inheritance, and the element's `source` attribute (a datasheet, a paper's figure,
/// a measurement). `einsim validate PROFILE --sources` prints these, so a profile's author can see
/// which numbers a profile states itself and which it takes from the profile it extends.
public struct ProfileValueSource: Sendable, Hashable {
    /// The element's path with its key attributes, e.g. `/profile/memory[@name='l2']/latency`.
    public var path: String
    /// The element's text (its value, with unit).
    public var value: String
    /// The file the value was written in.
    public var file: String
    /// Its 1-based line in `file`.
    public var line: Int
    /// The element's `source` attribute, if it has one.
    public var source: String?
    /// Whether the value was written in another file than the profile's own (taken through `extends`).
    public var isInherited: Bool

    public init(path: String, value: String, file: String, line: Int, source: String?, isInherited: Bool) {
        self.path = path; self.value = value; self.file = file; self.line = line; self.source = source; self.isInherited = isInherited
    }
}

extension ProfileLoader {
    /// Every valued element of the profile in the file at `path`, inheritance resolved, in
    /// document order: where each was written and its stated source.
    public static func valueSources(path: String) throws -> [ProfileValueSource] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileErrors([ProfileError(.fileUnreadable(path: path), file: nil, line: nil)])
        }
        let tree = try resolvedTree(bytes: [UInt8](data), file: path, searchDirectory: directory(of: path))
        var out: [ProfileValueSource] = []
        func walk(_ node: XMLElementNode, _ prefix: String) {
            let keys = ProfileMerging.keyAttributes.compactMap { name in node.attribute(name).map { "@\(name)='\($0)'" } }
            let here = prefix + "/" + node.name + (keys.isEmpty ? "" : "[" + keys.joined(separator: " ") + "]")
            if !node.text.isEmpty && node.name != "summary" {
                out.append(ProfileValueSource(path: here, value: node.text, file: node.file, line: node.line,
                                              source: node.attribute("source"), isInherited: node.file != path))
            }
            for child in node.children { walk(child, here) }
        }
        // Paths start below the root (`/profile/...`), as the loader's errors write them.
        for child in tree.children { walk(child, "/profile") }
        return out
    }

    /// The profile's element tree with `extends` and device references resolved (before building).
    static func resolvedTree(bytes: [UInt8], file: String, searchDirectory: String?) throws -> XMLElementNode {
        let schema = try compiledSchema()
        var resolver = InheritanceResolver(
            schema: schema, limits: XMLLimits(maxBytes: maximumBytes, maxDepth: maximumDepth),
            searchDirectory: searchDirectory
        )
        guard let tree = resolver.read(bytes, file: file), resolver.errors.isEmpty else {
            throw ProfileErrors(resolver.errors)
        }
        guard let resolved = resolver.resolve(tree, chain: [tree.attribute("name") ?? ""]), resolver.errors.isEmpty else {
            throw ProfileErrors(resolver.errors)
        }
        return resolved
    }
}

extension ProfileLibrary {
    /// ``ProfileLoader/valueSources(path:)`` of a shipped profile's name or a file's path.
    public static func valueSources(_ nameOrPath: String) throws -> [ProfileValueSource] {
        if nameOrPath.hasSuffix(".xml") || FileManager.default.fileExists(atPath: nameOrPath) {
            return try ProfileLoader.valueSources(path: nameOrPath)
        }
        guard let path = locate(nameOrPath, near: nil) else {
            throw ProfileErrors([ProfileError(.unknownProfile(name: nameOrPath, candidates: shippedProfileNames()), file: nil, line: nil)])
        }
        return try ProfileLoader.valueSources(path: path)
    }
}
