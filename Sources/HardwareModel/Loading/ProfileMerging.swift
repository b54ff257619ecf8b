/// Inheritance: merging an extending profile's elements over the profile it extends.
///
/// Elements match when they have the same element name and the same key attributes (`name`,
/// `precision`, `path`, `operation`, `from`, `to`). A matching element is merged recursively: the
/// extending element's attributes and text win, its children merge into the inherited children.
/// `replace="true"` replaces the inherited element wholesale; `remove="true"` drops it. Elements
/// without a match are appended. Each element keeps the file and line it came from.
enum ProfileMerging {
    /// Attributes that identify an element among its siblings.
    static let keyAttributes = ["name", "precision", "path", "operation", "from", "to"]

    /// The identity of `element` among its siblings.
    static func key(_ element: XMLElementNode) -> String {
        var key = element.name
        for attribute in keyAttributes {
            key += "|" + (element.attribute(attribute) ?? "")
        }
        return key
    }

    /// `override` merged over `base`.
    static func merge(_ base: XMLElementNode, _ override: XMLElementNode) -> XMLElementNode {
        var result = base
        result.name = override.name
        result.file = override.file
        result.line = override.line
        for attribute in override.attributes where attribute.name != "replace" && attribute.name != "remove" {
            result.setAttribute(attribute.name, attribute.value)
        }
        if !override.text.isEmpty { result.text = override.text }
        // Children by key (the first of each key, as a linear search would find it), so a
        // profile with thousands of children merges in linear time.
        var children: [XMLElementNode?] = result.children
        var indexOf: [String: Int] = [:]
        for (i, child) in result.children.enumerated() {
            let k = key(child)
            if indexOf[k] == nil { indexOf[k] = i }
        }
        for child in override.children {
            let isRemoval = child.attribute("remove") == "true" || child.attribute("remove") == "1"
            let isReplacement = child.attribute("replace") == "true" || child.attribute("replace") == "1"
            let childKey = key(child)
            if let index = indexOf[childKey], let existing = children[index] {
                if isRemoval {
                    children[index] = nil
                    // A later sibling with the same key (itself a duplicate error) takes its place.
                    indexOf[childKey] = children.indices.dropFirst(index + 1).first { children[$0].map { key($0) == childKey } ?? false }
                } else if isReplacement {
                    children[index] = stripped(child)
                } else {
                    children[index] = merge(existing, child)
                }
            } else if !isRemoval {
                indexOf[childKey] = children.count
                children.append(stripped(child))
            }
        }
        result.children = children.compactMap { $0 }
        return result
    }

    /// `element` without the inheritance-only attributes.
    private static func stripped(_ element: XMLElementNode) -> XMLElementNode {
        var copy = element
        copy.attributes.removeAll { $0.name == "replace" || $0.name == "remove" }
        return copy
    }
}
