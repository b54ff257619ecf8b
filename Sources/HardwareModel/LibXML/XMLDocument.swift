import CLibXML2

// The only file that calls libxml2. Everything above it sees `XMLElementNode` trees and
// `XMLDiagnostic` values; no libxml2 pointer escapes.
//
// Security: documents are parsed with XML_PARSE_NONET, without XML_PARSE_NOENT (no entity
// substitution), without XML_PARSE_DTDLOAD / DTDATTR / DTDVALID (no DTD is read), without
// XML_PARSE_HUGE (libxml2's own limits stay on). Before libxml2 sees a byte, documents that are too
// large, or that contain a DOCTYPE or an ENTITY declaration anywhere outside comments and CDATA,
// are refused (this covers external entities and entity-expansion bombs). After parsing, nesting
// deeper than the limit is refused. Errors are collected per parser / validation context through
// structured error handlers whose user data is a context-local collector: no global handler is
// installed and no Swift state is shared between threads.

/// Limits applied to every document read.
struct XMLLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes.
    var maxBytes: Int = 4 * 1024 * 1024
    /// Deepest element nesting accepted (the root element is depth 1).
    var maxDepth: Int = 64
}

/// A problem found while reading or validating a document, before any profile semantics.
struct XMLDiagnostic: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// The document is larger than `limit` bytes.
        case tooLarge(bytes: Int, limit: Int)
        /// A `<!DOCTYPE` or `<!ENTITY` declaration (`declaration` names which).
        case forbiddenDeclaration(declaration: String)
        /// libxml2 says the document is not well-formed.
        case notWellFormed
        /// Elements nest deeper than `limit`.
        case tooDeep(limit: Int)
        /// The document does not follow the schema.
        case schema
        /// The schema itself could not be read (an installation problem).
        case schemaUnreadable
    }

    var kind: Kind
    var line: Int
    var column: Int?
    /// Element path of the offending element, when known (`/profile/memory[@name='hbm']`).
    var path: String?
    /// libxml2's message, trimmed (empty for checks made in Swift).
    var message: String
}

/// The diagnostics of a failed read.
struct XMLFailure: Error, Sendable {
    var diagnostics: [XMLDiagnostic]
    init(_ diagnostics: [XMLDiagnostic]) { self.diagnostics = diagnostics }
}

/// A compiled XML schema (XSD). Parsed once per load and shared by the documents of that load.
final class XMLSchema {
    fileprivate let pointer: xmlSchemaPtr
    /// Names of every element the schema declares (for "did you mean" suggestions).
    let elementNames: [String]
    /// Names of every attribute the schema declares.
    let attributeNames: [String]

    private init(pointer: xmlSchemaPtr, elementNames: [String], attributeNames: [String]) {
        self.pointer = pointer
        self.elementNames = elementNames
        self.attributeNames = attributeNames
    }

    deinit { xmlSchemaFree(pointer) }

    /// Compiles the schema in `bytes`; returns the diagnostics when it does not compile.
    static func compile(_ bytes: [UInt8], file: String) -> Result<XMLSchema, XMLFailure> {
        LibXML.initialize()
        let collector = ErrorCollector(kind: .schemaUnreadable)
        let parsed: xmlSchemaPtr? = bytes.withUnsafeBufferPointer { buffer -> xmlSchemaPtr? in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                guard let context = xmlSchemaNewMemParserCtxt(base, Int32(buffer.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(context) }
                xmlSchemaSetParserStructuredErrors(context, { data, error in
                    collectError(data, error)
                }, Unmanaged.passUnretained(collector).toOpaque())
                return xmlSchemaParse(context)
            }
        }
        guard let pointer = parsed else {
            let diagnostics = collector.items.isEmpty
                ? [XMLDiagnostic(kind: .schemaUnreadable, line: 0, column: nil, path: nil, message: "the schema could not be compiled")]
                : collector.items
            return .failure(XMLFailure(diagnostics))
        }
        var elements = Set<String>(), attributes = Set<String>()
        if case .success(let tree) = LibXML.read(bytes, file: file, limits: XMLLimits(maxBytes: Int.max, maxDepth: 256), schema: nil) {
            collectDeclaredNames(tree, elements: &elements, attributes: &attributes)
        }
        return .success(XMLSchema(pointer: pointer, elementNames: elements.sorted(), attributeNames: attributes.sorted()))
    }

    private static func collectDeclaredNames(_ node: XMLElementNode, elements: inout Set<String>, attributes: inout Set<String>) {
        if let name = node.attribute("name") {
            if node.name == "element" { elements.insert(name) }
            if node.name == "attribute" { attributes.insert(name) }
        }
        for child in node.children { collectDeclaredNames(child, elements: &elements, attributes: &attributes) }
    }
}

/// Reading documents with libxml2.
enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initializes libxml2 once per process (thread-safe: a lazily initialized static).
    static func initialize() { _ = initialized }

    /// Reads `bytes` as an XML document: size and declaration checks, a secure parse, a depth
    /// check, then validation against `schema` when one is given.
    static func read(_ bytes: [UInt8], file: String, limits: XMLLimits, schema: XMLSchema?) -> Result<XMLElementNode, XMLFailure> {
        initialize()
        if bytes.count > limits.maxBytes {
            return .failure(XMLFailure([XMLDiagnostic(kind: .tooLarge(bytes: bytes.count, limit: limits.maxBytes), line: 1, column: nil, path: nil, message: "")]))
        }
        if let forbidden = findForbiddenDeclaration(bytes) {
            return .failure(XMLFailure([forbidden]))
        }
        guard bytes.count < Int(Int32.max) else {
            return .failure(XMLFailure([XMLDiagnostic(kind: .tooLarge(bytes: bytes.count, limit: limits.maxBytes), line: 1, column: nil, path: nil, message: "")]))
        }
        let collector = ErrorCollector(kind: .notWellFormed)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)
        let parsedDocument: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars -> xmlDocPtr? in
                // A push parser: its context keeps `_private` (libxml2 never touches it) from
                // creation to the end of the parse, unlike xmlCtxtReadMemory, which resets it.
                guard let context = xmlCreatePushParserCtxt(nil, nil, nil, 0, nil) else { return nil }
                defer { xmlFreeParserCtxt(context) }
                _ = xmlCtxtUseOptions(context, options)
                context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
                context.pointee.sax.pointee.serror = { data, error in
                    // The parser passes its own context as user data; the collector hangs off it.
                    guard let data else { return }
                    let parserContext = data.assumingMemoryBound(to: xmlParserCtxt.self)
                    collectError(parserContext.pointee._private, error)
                }
                _ = xmlParseChunk(context, chars, Int32(buffer.count), 1)
                let document = context.pointee.myDoc
                if context.pointee.wellFormed == 0 || !collector.items.isEmpty {
                    if let document { xmlFreeDoc(document) }
                    context.pointee.myDoc = nil
                    return nil
                }
                return document
            }
        }
        guard let document = parsedDocument else {
            let diagnostics = collector.items.isEmpty
                ? [XMLDiagnostic(kind: .notWellFormed, line: 1, column: nil, path: nil, message: "the document could not be parsed")]
                : collector.items
            return .failure(XMLFailure(diagnostics))
        }
        defer { xmlFreeDoc(document) }
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            return .failure(XMLFailure([XMLDiagnostic(kind: .forbiddenDeclaration(declaration: "DOCTYPE"), line: 1, column: nil, path: nil, message: "")]))
        }
        guard let root = xmlDocGetRootElement(document) else {
            return .failure(XMLFailure([XMLDiagnostic(kind: .notWellFormed, line: 1, column: nil, path: nil, message: "the document has no root element")]))
        }
        var depthError: XMLDiagnostic?
        let tree = convert(root, file: file, depth: 1, limits: limits, depthError: &depthError)
        if let depthError { return .failure(XMLFailure([depthError])) }
        if let schema {
            let validation = ErrorCollector(kind: .schema)
            guard let context = xmlSchemaNewValidCtxt(schema.pointer) else {
                return .failure(XMLFailure([XMLDiagnostic(kind: .schemaUnreadable, line: 0, column: nil, path: nil, message: "could not create a validation context")]))
            }
            defer { xmlSchemaFreeValidCtxt(context) }
            xmlSchemaSetValidStructuredErrors(context, { data, error in
                collectError(data, error)
            }, Unmanaged.passUnretained(validation).toOpaque())
            let status = xmlSchemaValidateDoc(context, document)
            if status != 0 || !validation.items.isEmpty {
                let items = validation.items.isEmpty
                    ? [XMLDiagnostic(kind: .schema, line: 1, column: nil, path: nil, message: "the document does not follow the schema")]
                    : validation.items
                return .failure(XMLFailure(items))
            }
        }
        return .success(tree)
    }

    /// Copies an element and its descendants into Swift values; stops at the depth limit.
    private static func convert(_ node: xmlNodePtr, file: String, depth: Int, limits: XMLLimits, depthError: inout XMLDiagnostic?) -> XMLElementNode {
        var element = XMLElementNode(
            name: string(node.pointee.name), attributes: [], text: "", children: [], file: file,
            line: Int(xmlGetLineNo(node))
        )
        if depth > limits.maxDepth {
            if depthError == nil {
                depthError = XMLDiagnostic(kind: .tooDeep(limit: limits.maxDepth), line: element.line, column: nil, path: elementPath(node), message: "")
            }
            return element
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            element.attributes.append(XMLAttribute(name: string(current.pointee.name), value: textContent(current.pointee.children)))
            attribute = current.pointee.next
        }
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(convert(current, file: file, depth: depth + 1, limits: limits, depthError: &depthError))
                if depthError != nil { return element }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        element.text = text.trimmingWhitespace()
        return element
    }

    /// Concatenated content of a list of text nodes (an attribute's value).
    private static func textContent(_ first: xmlNodePtr?) -> String {
        var text = "", node = first
        while let current = node {
            if let content = current.pointee.content { text += String(cString: content) }
            node = current.pointee.next
        }
        return text
    }

    /// Finds `<!DOCTYPE` or `<!ENTITY` outside comments, CDATA sections and processing instructions.
    static func findForbiddenDeclaration(_ bytes: [UInt8]) -> XMLDiagnostic? {
        let doctype = Array("<!DOCTYPE".utf8), entity = Array("<!ENTITY".utf8)
        let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)
        let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)
        let piOpen = Array("<?".utf8), piClose = Array("?>".utf8)
        var index = 0, line = 1
        func matches(_ pattern: [UInt8], at position: Int) -> Bool {
            guard position + pattern.count <= bytes.count else { return false }
            for offset in 0..<pattern.count where bytes[position + offset] != pattern[offset] { return false }
            return true
        }
        func skip(past close: [UInt8]) {
            while index < bytes.count, !matches(close, at: index) {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
            }
            index += close.count
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { line += 1; index += 1; continue }
            if byte != UInt8(ascii: "<") { index += 1; continue }
            if matches(commentOpen, at: index) { index += commentOpen.count; skip(past: commentClose); continue }
            if matches(cdataOpen, at: index) { index += cdataOpen.count; skip(past: cdataClose); continue }
            if matches(piOpen, at: index) { index += piOpen.count; skip(past: piClose); continue }
            if matches(doctype, at: index) {
                return XMLDiagnostic(kind: .forbiddenDeclaration(declaration: "DOCTYPE"), line: line, column: nil, path: nil, message: "")
            }
            if matches(entity, at: index) {
                return XMLDiagnostic(kind: .forbiddenDeclaration(declaration: "ENTITY"), line: line, column: nil, path: nil, message: "")
            }
            index += 1
        }
        return nil
    }
}

/// Collects libxml2's structured errors for one parser or validation context.
private final class ErrorCollector {
    let kind: XMLDiagnostic.Kind
    var items: [XMLDiagnostic] = []
    init(kind: XMLDiagnostic.Kind) { self.kind = kind }
}

/// The structured error handler: `data` is the context's `ErrorCollector`.
private func collectError(_ data: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let data, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(data).takeUnretainedValue()
    let level = error.pointee.level
    guard level == XML_ERR_ERROR || level == XML_ERR_FATAL else { return }
    guard collector.items.count < 100 else { return }
    let message = error.pointee.message.map { String(cString: $0) }?.trimmingWhitespace() ?? "unknown error"
    var line = Int(error.pointee.line)
    var path: String?
    if let node = error.pointee.node {
        let pointer = node.assumingMemoryBound(to: xmlNode.self)
        if pointer.pointee.type == XML_ELEMENT_NODE {
            path = elementPath(pointer)
            if line <= 0 { line = Int(xmlGetLineNo(pointer)) }
        }
    }
    let column = error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil
    collector.items.append(XMLDiagnostic(kind: collector.kind, line: max(line, 1), column: column, path: path, message: message))
}

/// `/profile/memory[@name='hbm']/bandwidth` for an element node.
private func elementPath(_ node: xmlNodePtr) -> String {
    var steps: [String] = []
    var current: xmlNodePtr? = node
    while let element = current, element.pointee.type == XML_ELEMENT_NODE {
        let name = string(element.pointee.name)
        var key: String?
        var attribute = element.pointee.properties
        while let candidate = attribute {
            if string(candidate.pointee.name) == "name", let text = candidate.pointee.children?.pointee.content {
                key = String(cString: text)
            }
            attribute = candidate.pointee.next
        }
        let isRoot = element.pointee.parent.map { $0.pointee.type != XML_ELEMENT_NODE } ?? true
        steps.append(key.map { isRoot ? name : "\(name)[@name='\($0)']" } ?? name)
        current = element.pointee.parent
    }
    return "/" + steps.reversed().joined(separator: "/")
}

private func string(_ text: UnsafePointer<xmlChar>?) -> String {
    guard let text else { return "" }
    return String(cString: text)
}
