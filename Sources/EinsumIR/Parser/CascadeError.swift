import EinsimCore

/// An error in a `.einsum` file (or in a binding of its parameters): where, what, and what to do.
/// The shared input-error value; the name says where it came from.
public typealias CascadeError = SimpleInputError
