import EinsimCore
import HardwareModel
import Mapper
import Simulator

/// The library façade: one call per question a user asks.
/// The engines behind the one protocol.
public enum EngineChoice: String, Sendable, Hashable, CaseIterable {
    case roofline, cycle
}

public enum Experiment {
    /// Simulates one attention call with a preset (or the mapper's search for `.auto`).
    public static func simulateAttention(shape: AttentionShape, preset: KernelPreset, machine: GPUMachine,
                                         algorithm: AttentionAlgorithm? = nil,
                                         objective: Objective = .latency) throws -> SimulationResult {
        let algorithm = algorithm ?? (try? AlgorithmResolver.resolve("1pass", shape: shape))
            ?? AttentionAlgorithm.closedFormOnePass(shape: shape)
        try checkFits(RooflineEngine.compulsoryBytes(algorithm.tensors, shape: shape, elementBytes: 2),
                      capacity: machine.dramCapacity, machine: machine.name)
        if preset != .auto {
            let mapping = try presetMapping(preset, shape: shape, machine: machine)
            return try evaluate(.gpuAttention(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine, elementBytes: 2))
        }
        let search = MappingSearch.best(shape: shape, algorithm: algorithm, machine: machine, objective: objective)
        guard search.seconds.isFinite else {
            throw SimulationError.unsupported("no attention mapping fits '\(machine.name)' (every preset and searched tile shape needs a matrix path, shared memory or registers the machine lacks)")
        }
        return try evaluate(.gpuAttention(shape: shape, algorithm: algorithm, mapping: search.mapping, machine: machine, elementBytes: 2))
    }

    /// The engine that evaluates mapped work in this task (`einsim --engine`); roofline by default.
    @TaskLocal public static var engine: EngineChoice = .roofline

    /// A GPU result re-timed by the cycle engine when it is the task's engine (its kernels as
    /// tile loops, one after another; the energy of the same work); unchanged otherwise.
    public static func retimed(_ result: SimulationResult, kernels: [KernelCost], machine: GPUMachine) throws -> SimulationResult {
        guard engine == .cycle else { return result }
        let scheduled = try CycleEngine().schedule(kernels: kernels, clockRatio: result.clockRatio, device: machine.name)
        var r = result
        r.engine = "cycle"
        r.latencySeconds = scheduled.seconds
        r.kernels = scheduled.kernels
        r.addMemoryActiveEnergy(scheduled.memoryEnergyChange, dramLevel: machine.levels.dram)
        r.staticJoules = machine.idleWatts * scheduled.seconds
        r.energyJoules = r.staticJoules + r.dynamicJoules
        r.averagePowerWatts = scheduled.seconds > 0 ? r.energyJoules / scheduled.seconds : 0
        if result.latencySeconds > 0, scheduled.seconds > 0 {
            r.utilization = result.utilization.mapValues { $0 * result.latencySeconds / scheduled.seconds }
        }
        r.trace = scheduled.trace
        return r
    }

    /// Evaluates `work` with the task's engine.
    public static func evaluate(_ work: MappedWork) throws -> SimulationResult {
        switch engine {
        case .roofline: return try RooflineEngine().evaluate(work)
        case .cycle: return try CycleEngine().evaluate(work)
        }
    }

    /// Refuses a call whose inputs and outputs do not fit the machine's main memory.
    static func checkFits(_ bytes: Double, capacity: Double, machine: String) throws {
        guard bytes <= capacity else {
            throw SimulationError.unsupported("the call's inputs and outputs take \(MappingText.bytes(bytes)), more than the main-memory capacity of '\(machine)' (\(Format.fixed(capacity / 1e9, 1)) GB = \(MappingText.bytes(capacity))); use a smaller batch or sequence, or a machine with more memory")
        }
    }

    /// The mapping `preset` pins, refused (exit status 2, bad input) when the machine lacks the
    /// matrix path, shared memory or registers it needs — never run on another path silently.
    public static func presetMapping(_ preset: KernelPreset, shape: AttentionShape, machine: GPUMachine,
                                     elementBytes: Double = 2) throws -> AttentionMapping {
        let mapping = AttentionMapper.mapping(preset: preset, shape: shape, sm: machine.sm)
        if let why = machine.refusal(mapping, shape: shape, elementBytes: elementBytes) {
            let runnable = KernelPreset.allCases.filter { p in
                p != .auto && machine.refusal(AttentionMapper.mapping(preset: p, shape: shape, sm: machine.sm), shape: shape, elementBytes: elementBytes) == nil
            }.map(\.rawValue)
            throw SimpleInputError("--kernel \(preset.rawValue) cannot run on '\(machine.name)': \(why)",
                                   at: machine.profile.location,
                                   suggestion: runnable.isEmpty ? "no preset fits this machine; check its <memory> capacities and <throughput> paths"
                                       : "use --kernel \(runnable.joined(separator: " or ")) (or auto), which this machine can run")
        }
        return mapping
    }
}


