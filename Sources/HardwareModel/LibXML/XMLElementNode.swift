/// An element of a parsed XML document, copied out of libxml2 into plain Swift values.
///
/// The loader works on this tree only (inheritance merging, semantic checks, building), so no
/// libxml2 pointer outlives the wrapper in `XMLDocument.swift`. Every element remembers the
/// file and line it came from, so an element inherited from another profile reports its own file.
struct XMLElementNode: Sendable, Hashable {
    var name: String
    /// Attributes in document order.
    var attributes: [XMLAttribute]
    /// The element's own text (direct text and CDATA children), trimmed.
    var text: String
    var children: [XMLElementNode]
    var file: String
    var line: Int

    /// The value of the attribute `name`, if present.
    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Sets (or adds) the attribute `name`.
    mutating func setAttribute(_ name: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
        } else {
            attributes.append(XMLAttribute(name: name, value: value))
        }
    }

    /// Children with element name `name`.
    func children(named name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    /// The first child with element name `name`.
    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// This element's step in an element path: `memory[@name='hbm']` or `clock`.
    var pathStep: String {
        if let key = attribute("name") { return "\(name)[@name='\(key)']" }
        return name
    }
}

/// One attribute of an ``XMLElementNode``.
struct XMLAttribute: Sendable, Hashable {
    var name: String
    var value: String
}
