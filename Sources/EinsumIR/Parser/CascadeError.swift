import EinsimCore

/// An error in a `.einsum` file (or in a binding of its parameters): where, what, and what to do.
public struct CascadeError: InputError, Hashable {
    public var location: SourceLocation?
    public var message: String
    public var suggestion: String?

    public init(_ message: String, at location: SourceLocation? = nil, suggestion: String? = nil) {
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }
}
