import EinsimCore

/// One fused group of Einsums: they share the outer loops of `nest`, their intermediates stay on
/// chip, and only `tensors` (the group's inputs and outputs) cross its boundary.
public struct FusionGroup: Sendable, Hashable {
    public var name: String
    /// Indices of the cascade's main Einsums in the group, in order.
    public var einsums: [Int]
    /// Passes of the cascade the group covers (several only when the crossing intermediates fit
    /// on chip whole, checked).
    public var passes: [Int]
    public var nest: LoopNest
    public var tensors: [MappedTensor]
    /// Intermediates produced and consumed inside the group (no traffic above the buffer).
    public var onChip: [String]
    /// Bytes the group keeps in the on-chip buffer per instance (tiles + live intermediates).
    public var bufferBytes: Double
}

/// A target-neutral mapping of a cascade onto a machine: the binding of each Einsum to a compute
/// unit, the fusion groups in order, and the tile choice they share. Named presets are mappings.
public struct Mapping: Sendable, Hashable {
    /// The preset's name, or "auto" (searched).
    public var name: String
    public var bindings: [EinsumBinding]
    public var groups: [FusionGroup]
    /// Query rows and keys per tile (the p and m factors above the on-chip buffer).
    public var queryTile: Int
    public var keyTile: Int
}

/// Why a candidate mapping cannot run, as a value (the mapper counts them by reason).
public struct Infeasible: Error, Sendable, Hashable, CustomStringConvertible {
    public var level: String
    public var neededBytes: Double
    public var capacityBytes: Double
    public var description: String {
        "needs \(MappingText.bytes(neededBytes)) in '\(level)', which holds \(MappingText.bytes(capacityBytes))"
    }
}
