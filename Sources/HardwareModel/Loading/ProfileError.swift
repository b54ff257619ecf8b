import EinsimCore

/// One problem in a hardware profile: where it is, which element, what is wrong, what to do.
///
/// The messages themselves are written in one place, `ProfileError+Messages.swift`.
public struct ProfileError: InputError, Hashable {
    public var location: SourceLocation?
    /// The element path, e.g. `/profile/memory[@name='hbm']/bandwidth` (nil when not known).
    public var elementPath: String?
    /// What is wrong, without the path.
    public var problem: String
    public var suggestion: String?

    public init(location: SourceLocation?, elementPath: String?, problem: String, suggestion: String? = nil) {
        self.location = location
        self.elementPath = elementPath
        self.problem = problem
        self.suggestion = suggestion
    }

    /// `path: problem`, or just the problem when there is no path.
    public var message: String {
        guard let elementPath else { return problem }
        return "\(elementPath): \(problem)"
    }
}

/// Every problem found in a profile (at least one), in file and line order; thrown by the loader.
///
/// ``rendered`` (through ``message``) prints one problem per line, each with its own location and
/// suggestion, so the CLI's single `error.rendered` shows them all.
public struct ProfileErrors: InputError, Hashable {
    /// The problems, first one first (never empty).
    public var errors: [ProfileError]

    public init(_ errors: [ProfileError]) {
        self.errors = errors.isEmpty
            ? [ProfileError(location: nil, elementPath: nil, problem: "the profile is invalid")]
            : errors
    }

    public var location: SourceLocation? { errors[0].location }

    /// Problems printed in full; the rest are counted (a generated profile can have thousands).
    public static let printedLimit = 20

    public var message: String {
        var lines = [errors[0].message]
        if let suggestion = errors[0].suggestion { lines.append("  suggestion: \(suggestion)") }
        for error in errors.dropFirst().prefix(Self.printedLimit - 1) { lines.append(error.rendered) }
        if errors.count > Self.printedLimit {
            lines.append("… and \(errors.count - Self.printedLimit) more problems (the first \(Self.printedLimit) are shown; fix these and run again)")
        }
        return lines.joined(separator: "\n")
    }

    public var suggestion: String? { nil }
}
