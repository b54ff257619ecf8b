import EinsimCore
import Foundation
import EinsumIR
import HardwareModel

/// Which compute unit runs each Einsum of a cascade: the unit that has the Einsum's dominant
/// operation (a contraction on a matrix unit, an exp on a special-function unit — or, where no
/// unit lists exp, on a unit that runs it through its issue cost —, the rest on a vector unit).
public struct EinsumBinding: Sendable, Hashable {
    /// The Einsum as written (`BQK[b,h,m1,m0,p] = Q[b,h,e,p] * BK[b,h,e,m1,m0]`).
    public var einsum: String
    public var output: String
    /// The operation class that decided the binding.
    public var operation: CostClass
    /// The profile's name of the unit.
    public var unit: String
    /// Issue slots per operation on that unit (1 unless the profile gives an issue cost).
    public var issueSlots: Double

    /// Binds every main Einsum of `cascade` to a unit of `profile`; Einsums that only copy data
    /// are bound to no unit (`unit` = "(copy)"). Fails when no unit can run an operation.
    public static func bind(_ cascade: Cascade, to profile: HardwareProfile) throws -> [EinsumBinding] {
        let bound = try cascade.bind()
        return try cascade.einsums.map { einsum in
            let counts = bound.operationCounts(of: einsum)
            let order: [CostClass] = [.matrixMAC, .specialFunction, .divide, .vectorMul, .vectorAdd, .vectorMax]
            let text = einsum.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let op = order.first(where: { counts[$0] > 0 }) else {
                return EinsumBinding(einsum: text, output: einsum.outputTensor, operation: .vectorAdd, unit: "(copy)", issueSlots: 0)
            }
            let candidates = profile.units(for: op)
            let preferred: ComputeUnit.Kind = op == .matrixMAC ? .matrix : (op == .specialFunction || op == .divide ? .specialFunction : .vector)
            guard let unit = candidates.first(where: { $0.kind == preferred }) ?? candidates.min(by: { $0.issueSlots(for: op) < $1.issueSlots(for: op) }) else {
                throw SimpleInputError("no compute unit of '\(profile.name)' runs \(op.rawValue), which Einsum \(einsum.outputTensor) needs",
                                       at: einsum.location,
                                       suggestion: "list \(op.rawValue) in a unit's <operations> (with an <issueCost> if it takes several slots)")
            }
            return EinsumBinding(einsum: text, output: einsum.outputTensor, operation: op, unit: unit.name, issueSlots: unit.issueSlots(for: op))
        }
    }
}
