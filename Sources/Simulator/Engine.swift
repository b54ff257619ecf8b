import EinsimCore
import HardwareModel
import Mapper
import Workloads

/// What an engine evaluates: a cascade laid onto a machine by a mapping. GPU kernels carry the
/// GPU mapping (tiles, grid, split of the key rank) with the GPU's resolved mechanisms; other
/// targets carry a ``SpatialPlan`` (binding, fusion groups, tiling, schedule) of a compiled cascade.
public enum MappedWork: Sendable {
    case gpuAttention(shape: AttentionShape, algorithm: AttentionAlgorithm, mapping: AttentionMapping, machine: GPUMachine,
                      elementBytes: Double)
    case spatial(problem: SpatialProblem, plan: SpatialPlan)
}

/// The engines' one protocol: evaluate mapped work into a result (latency, energy, breakdowns per
/// Einsum, unit and level, the bound). The roofline engine implements it for every target kind;
/// a cycle-level engine is the other implementation the design calls for.
public protocol Engine: Sendable {
    /// The name results carry (`roofline`, `cycle`).
    var name: String { get }
    func evaluate(_ work: MappedWork) throws -> SimulationResult
}

extension RooflineEngine: Engine {
    public var name: String { "roofline" }

    public func evaluate(_ work: MappedWork) throws -> SimulationResult {
        switch work {
        case let .gpuAttention(shape, algorithm, mapping, machine, elementBytes):
            return evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: elementBytes)
        case let .spatial(problem, plan):
            return SpatialCostModel(problem: problem).result(plan, label: plan.name)
        }
    }
}
