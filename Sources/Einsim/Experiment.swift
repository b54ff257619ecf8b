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
        let algorithm = algorithm ?? (try? AlgorithmResolver.resolve("1pass", shape: shape))
            ?? AttentionAlgorithm.closedFormOnePass(shape: shape)
        let engine = RooflineEngine()
        if preset != .auto {
            let mapping = AttentionMapper.mapping(preset: preset, shape: shape, sm: machine.sm)
            return engine.evaluate(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine)
        }
        let search = MappingSearch.best(shape: shape, algorithm: algorithm, machine: machine, objective: objective)
        return engine.evaluate(shape: shape, algorithm: algorithm, mapping: search.mapping, machine: machine)
    }
}


