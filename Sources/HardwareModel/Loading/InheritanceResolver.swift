#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads profile files and resolves `extends` and `<device profile="…">` references into one
/// merged element tree, detecting cycles. Collects errors instead of stopping at the first.
struct InheritanceResolver {
    let schema: XMLSchema
    let limits: XMLLimits
    /// Directory searched first for referenced profiles (the referring file's directory).
    let searchDirectory: String?
    private(set) var errors: [ProfileError] = []

    init(schema: XMLSchema, limits: XMLLimits, searchDirectory: String?) {
        self.schema = schema
        self.limits = limits
        self.searchDirectory = searchDirectory
    }

    /// Parses and validates `bytes`; nil (with errors recorded) when it fails.
    mutating func read(_ bytes: [UInt8], file: String) -> XMLElementNode? {
        switch LibXML.read(bytes, file: file, limits: limits, schema: schema) {
        case .success(let tree):
            checkSingletons(tree, path: "/" + tree.name)
            return tree
        case .failure(let failure):
            errors += failure.diagnostics.map { error(for: $0, file: file) }
            return nil
        }
    }

    /// `root` with its inheritance and device references resolved. `chain` holds the names
    /// being resolved (for cycle detection), `root`'s own name last.
    mutating func resolve(_ root: XMLElementNode, chain: [String]) -> XMLElementNode? {
        var node = root
        if let parentName = root.attribute("extends") {
            guard let parent = resolveReference(parentName, from: root, chain: chain) else { return nil }
            var base = parent
            base.attributes.removeAll { $0.name == "extends" }
            node = ProfileMerging.merge(base, root)
            node.attributes.removeAll { $0.name == "extends" }
        }
        var children: [XMLElementNode] = []
        for child in node.children {
            guard child.name == "device", let reference = child.attribute("profile") else {
                children.append(child)
                continue
            }
            guard let target = resolveReference(reference, from: child, chain: chain) else { continue }
            var base = target
            base.attributes.removeAll { ["extends", "name", "source"].contains($0.name) }
            var merged = ProfileMerging.merge(base, child)
            merged.attributes.removeAll { $0.name == "profile" }
            children.append(merged)
        }
        node.children = children
        return node
    }

    /// Loads and resolves the profile named `name`, referenced from `element`.
    private mutating func resolveReference(_ name: String, from element: XMLElementNode, chain: [String]) -> XMLElementNode? {
        if chain.contains(name) {
            errors.append(ProfileError(.inheritanceCycle(chain: chain + [name]), file: element.file, line: element.line, path: Self.path(of: element)))
            return nil
        }
        guard let path = ProfileLibrary.locate(name, near: searchDirectory) else {
            errors.append(ProfileError(.unknownProfile(name: name, candidates: ProfileLibrary.knownNames(near: searchDirectory)),
                                       file: element.file, line: element.line, path: Self.path(of: element)))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            errors.append(ProfileError(.fileUnreadable(path: path), file: element.file, line: element.line))
            return nil
        }
        guard let tree = read([UInt8](data), file: path) else { return nil }
        return resolve(tree, chain: chain + [name])
    }

    /// The path of a root element or of a device under it.
    private static func path(of element: XMLElementNode) -> String {
        element.name == "profile" ? "/profile" : "/profile/" + element.pathStep
    }

    /// Reports siblings that appear twice in one file: every child element is either a singleton
    /// (`clock`, `capacity`, …) or keyed by its attributes (`name`, `precision`, `path`, …).
    private mutating func checkSingletons(_ node: XMLElementNode, path: String) {
        var seen = Set<String>()
        for child in node.children {
            let childPath = path + "/" + child.pathStep
            if !seen.insert(ProfileMerging.key(child)).inserted {
                let keys = ProfileMerging.keyAttributes.compactMap { name in child.attribute(name).map { "\(name)='\($0)'" } }
                let element = keys.isEmpty ? "<\(child.name)>" : "<\(child.name) \(keys.joined(separator: " "))>"
                errors.append(ProfileError(.duplicate(element: element), file: child.file, line: child.line, path: childPath))
            }
            checkSingletons(child, path: childPath)
        }
    }

    /// The profile error for a libxml2 diagnostic.
    private func error(for diagnostic: XMLDiagnostic, file: String) -> ProfileError {
        let problem: ProfileProblem
        switch diagnostic.kind {
        case .tooLarge(let bytes, let limit): problem = .tooLarge(bytes: bytes, limit: limit)
        case .forbiddenDeclaration(let declaration): problem = .forbiddenDeclaration(declaration: declaration)
        case .notWellFormed: problem = .notWellFormed(detail: diagnostic.message)
        case .tooDeep(let limit): problem = .tooDeep(limit: limit)
        case .schema: problem = .schema(detail: diagnostic.message, elementNames: schema.elementNames, attributeNames: schema.attributeNames)
        case .schemaUnreadable: problem = .schemaUnreadable(path: file, detail: diagnostic.message)
        }
        return ProfileError(problem, file: file, line: diagnostic.line, column: diagnostic.column, path: diagnostic.path)
    }
}
