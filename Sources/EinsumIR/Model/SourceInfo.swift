import EinsimCore

/// Where a piece of the IR came from in a `.einsum` file.
///
/// Source positions are not part of a value's identity: two `SourceInfo` values always compare
/// equal and hash alike, so a cascade that is printed and parsed again compares equal to the
/// original even though its text moved.
public struct SourceInfo: Sendable, Hashable {
    /// The position of the construct (nil for values built in code).
    public var location: SourceLocation?
    /// Positions of the individual indices of a tensor access, in order (empty when unknown).
    public var indexLocations: [SourceLocation]

    public init(_ location: SourceLocation? = nil, indexLocations: [SourceLocation] = []) {
        self.location = location
        self.indexLocations = indexLocations
    }

    public static func == (lhs: SourceInfo, rhs: SourceInfo) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
