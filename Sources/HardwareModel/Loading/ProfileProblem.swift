import EinsimCore

/// What can be wrong with a profile. Rendered into prose in one place (``ProfileProblem/text``).
enum ProfileProblem: Sendable, Hashable {
    case fileNotFound(path: String)
    case fileUnreadable(path: String)
    case isDirectory(path: String)
    case tooLarge(bytes: Int, limit: Int)
    case forbiddenDeclaration(declaration: String)
    case notWellFormed(detail: String)
    case tooDeep(limit: Int)
    /// A schema violation, with libxml2's message and the schema's names for suggestions.
    case schema(detail: String, elementNames: [String], attributeNames: [String])
    case schemaUnreadable(path: String, detail: String)
    case schemaNotFound
    case badQuantity(Quantity.ParseError)
    case notAnInteger(text: String)
    case notPositive(what: String, text: String)
    case negative(what: String, text: String)
    /// Beyond a physically plausible bound (a typo such as `1e300 GHz`).
    case implausible(what: String, text: String, bound: String)
    case implausiblySmall(what: String, text: String, bound: String)
    case fractionOutOfRange(text: String)
    case missing(element: String, parent: String)
    case duplicate(element: String)
    case unknownName(what: String, name: String, candidates: [String])
    case unknownProfile(name: String, candidates: [String])
    case inheritanceCycle(chain: [String])
    case disconnected(what: String, name: String, outermost: String)
    case idleAboveLimit(idle: String, limit: String)
    case pimWithoutDRAM
    /// A PIM profile lacks a field the command-level engine needs (never defaulted to 0).
    case missingForCycleEngine(field: String, parent: String, example: String)
    case noThroughput(unit: String)
    case empty(what: String)
    /// A `kind="gpu"` target without `<processors>` (the GPU engine needs the SM count).
    case gpuWithoutProcessors(name: String)

    /// The problem sentence and an optional suggestion.
    var text: (problem: String, suggestion: String?) {
        switch self {
        case .fileNotFound(let path):
            return ("no such file '\(path)'", nil)
        case .isDirectory(let path):
            return ("'\(path)' is a directory, not a profile", "give a .xml profile inside it, or a shipped profile's name ('einsim list')")
        case .fileUnreadable(let path):
            return ("cannot read '\(path)'", "check the file's permissions")
        case .tooLarge(let bytes, let limit):
            return ("the profile is \(bytes) bytes, more than the limit of \(limit) bytes", "split it or remove what is not needed")
        case .forbiddenDeclaration(let declaration):
            return ("\(declaration) declarations are not allowed in hardware profiles (no DTDs, no entities)",
                    "remove the <!\(declaration) …> declaration; profiles are plain XML checked against einsim-hardware.xsd")
        case .notWellFormed(let detail):
            return ("the file is not well-formed XML: \(detail)", nil)
        case .tooDeep(let limit):
            return ("elements nest more than \(limit) deep", "profiles need only a few levels of nesting")
        case .schema(let detail, let elementNames, let attributeNames):
            return Self.renderSchema(detail, elementNames: elementNames, attributeNames: attributeNames)
        case .schemaUnreadable(let path, let detail):
            return ("the schema '\(path)' cannot be used: \(detail)", "reinstall einsim's HardwareProfiles directory")
        case .schemaNotFound:
            let path = ProfileLibrary.searchPath
            return (path.notFoundMessage, path.notFoundSuggestion)
        case .badQuantity(let error):
            return (error.description, error.suggestion)
        case .notAnInteger(let text):
            return ("expected a whole number but got '\(text)'", nil)
        case .notPositive(let what, let text):
            return ("\(what) must be positive but is '\(text)'", nil)
        case .negative(let what, let text):
            return ("\(what) must not be negative but is '\(text)'", nil)
        case .implausible(let what, let text, let bound):
            return ("\(what) is '\(text)', beyond the plausible bound of \(bound)", "check the value and its unit")
        case .implausiblySmall(let what, let text, let bound):
            return ("\(what) is '\(text)', below the plausible bound of \(bound)", "check the value and its unit")
        case .fractionOutOfRange(let text):
            return ("achievedFraction must be greater than 0 and at most 1 but is '\(text)'", nil)
        case .missing(let element, let parent):
            return ("<\(parent)> needs a <\(element)>", nil)
        case .duplicate(let element):
            return ("\(element) appears more than once", "keep one of them")
        case .unknownName(let what, let name, let candidates):
            let known = candidates.isEmpty ? "none are defined" : "known: \(candidates.joined(separator: ", "))"
            return ("unknown \(what) '\(name)' (\(known))", Suggestions.didYouMean(name, in: candidates))
        case .unknownProfile(let name, let candidates):
            return ("no hardware profile named '\(name)'",
                    Suggestions.didYouMean(name, in: candidates) ?? "run 'einsim list' to see the shipped profiles, or give a path to a .xml file")
        case .inheritanceCycle(let chain):
            return ("profiles extend each other in a cycle: \(chain.joined(separator: " → "))", "remove one of the extends attributes")
        case .disconnected(let what, let name, let outermost):
            return ("\(what) '\(name)' is not connected to the memory hierarchy under '\(outermost)'",
                    "list it in a memory level's <serves>, or name its memory in servedBy")
        case .idleAboveLimit(let idle, let limit):
            return ("idle power \(idle) is above the power limit \(limit)", nil)
        case .pimWithoutDRAM:
            return ("a <pim> organization needs a <dram> organization in the same profile", nil)
        case .missingForCycleEngine(let field, let parent, let example):
            return ("<\(parent)> of a PIM profile needs \(field): the command-level (cycle) engine times and charges PIM and DRAM commands from it, and a missing value is not taken as 0",
                    "add \(example)")
        case .noThroughput(let unit):
            return ("unit '\(unit)' has no <throughput>", "add e.g. <throughput precision=\"bf16\">2048 ops/cycle</throughput>")
        case .empty(let what):
            return ("\(what) is empty", nil)
        case .gpuWithoutProcessors(let name):
            return ("gpu profile '\(name)' has no <processors> (the GPU engine spreads thread blocks over the SMs; it would silently get 1 SM)",
                    "add <processors>N</processors> (the number of SMs; 132 on an H100)")
        }
    }

    /// Turns libxml2's schema messages into shorter ones with suggestions.
    private static func renderSchema(_ detail: String, elementNames: [String], attributeNames: [String]) -> (String, String?) {
        // "Element 'bandwdith': This element is not expected. Expected is one of ( capacity, … )."
        if detail.contains("This element is not expected"), let name = quoted(after: "Element '", in: detail) {
            let expected = expectedNames(in: detail)
            let suggestion = Suggestions.didYouMean(name, in: expected.isEmpty ? elementNames : expected)
                ?? Suggestions.didYouMean(name, in: elementNames)
                ?? (expected.isEmpty ? nil : "expected one of: \(expected.joined(separator: ", "))")
            return ("unknown element <\(name)>", suggestion)
        }
        // "Element 'memory', attribute 'nmae': The attribute 'nmae' is not allowed."
        if detail.contains("is not allowed"), let name = quoted(after: "attribute '", in: detail) {
            return ("unknown attribute '\(name)'", Suggestions.didYouMean(name, in: attributeNames))
        }
        // "… [facet 'enumeration'] The value 'gpux' is not an element of the set {'gpu', 'npu'}."
        if detail.contains("is not an element of the set"), let value = quoted(after: "The value '", in: detail) {
            let options = setMembers(in: detail)
            let attribute = quoted(after: "attribute '", in: detail)
            let subject = attribute.map { "'\($0)'" } ?? "the value"
            return ("\(subject) cannot be '\(value)' (one of: \(options.joined(separator: ", ")))",
                    Suggestions.didYouMean(value, in: options))
        }
        var text = detail
        if text.hasSuffix(".") { text.removeLast() }
        return (text, nil)
    }

    private static func quoted(after marker: String, in text: String) -> String? {
        guard let start = text.firstRange(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    private static func expectedNames(in text: String) -> [String] {
        guard let open = text.firstRange(of: "( "), let close = text[open.upperBound...].firstRange(of: " )") else { return [] }
        return text[open.upperBound..<close.lowerBound]
            .split(separator: ",")
            .map { String($0).trimmingWhitespace() }
            .filter { !$0.isEmpty && !$0.hasPrefix("##") }
    }

    private static func setMembers(in text: String) -> [String] {
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close else { return [] }
        return text[text.index(after: open)..<close]
            .split(separator: ",")
            .map { String($0).trimmingWhitespace().trimmingCharacters(in: "'") }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

extension ProfileError {
    /// An error for `problem` at `line` (and `column`) of `file`, about the element at `path`.
    init(_ problem: ProfileProblem, file: String?, line: Int?, column: Int? = nil, path: String? = nil) {
        let (sentence, suggestion) = problem.text
        let location = file.map { SourceLocation(file: $0, line: line ?? 1, column: column ?? 1) }
        self.init(location: location, elementPath: path, problem: sentence, suggestion: suggestion)
    }
}
