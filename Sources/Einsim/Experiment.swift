import EinsimCore
import HardwareModel
import Mapper
import Simulator

/// The library façade: one call per question a user asks.
public enum Experiment {
    /// Simulates one attention call with a preset (or the mapper's search for `.auto`).
    public static func simulateAttention(shape: AttentionShape, preset: KernelPreset, machine: GPUMachine,
                                         algorithm: AttentionAlgorithm? = nil,
                                         objective: Objective = .latency) -> SimulationResult {
        let algorithm = algorithm ?? AttentionAlgorithm.closedFormOnePass(shape: shape)
        let engine = RooflineEngine()
        if preset != .auto {
            let mapping = AttentionMapper.mapping(preset: preset, shape: shape, processors: machine.processors)
            return engine.evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine)
        }
        let candidates = AttentionMapper.candidates(
            shape: shape, processors: machine.processors, matrixPaths: Array(machine.matrixRate.keys),
            sharedMemoryBytes: machine.sharedMemoryCapacity, registerFileBytes: machine.registerFileBytes)
        var best: SimulationResult?
        for mapping in candidates {
            let r = engine.evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine)
            if best == nil || objective.score(r) < objective.score(best!) { best = r }
        }
        return best ?? engine.evaluate(shape: shape, algorithm: algorithm,
                                       mapping: AttentionMapper.mapping(preset: .fa2, shape: shape, processors: machine.processors),
                                       machine: machine)
    }
}

/// What the mapper minimizes.
public enum Objective: String, Sendable, CaseIterable {
    case latency, energy, edp
    public func score(_ r: SimulationResult) -> Double {
        switch self {
        case .latency: return r.latencySeconds
        case .energy: return r.energyJoules
        case .edp: return r.latencySeconds * r.energyJoules
        }
    }
}
