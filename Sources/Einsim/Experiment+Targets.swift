import EinsimCore
import EinsumIR
import HardwareModel
import Mapper
import Simulator
import Workloads

extension Experiment {
    /// The mapping names spatial, NPU and PIM targets accept: `auto` (searched) and the presets.
    public static var spatialMappingNames: [String] { ["auto"] + SpatialPreset.allCases.map(\.rawValue) }

    /// Compiles an attention call for a non-GPU target: the cascade at the call's sizes, on the
    /// profile's machine (fp16 operands, as the ASIC and NPU papers use).
    public static func spatialProblem(shape: AttentionShape, algorithm: String, profile: HardwareProfile) throws -> SpatialProblem {
        guard shape.kvHeads == shape.heads else {
            throw SimulationError.unsupported("'\(profile.name)' (\(profile.kind.rawValue)): grouped KV heads on spatial, NPU and PIM targets are not modeled yet; give --kv-heads equal to --heads")
        }
        let machine = try Machine(profile: profile, precision: .fp16)
        let cascade = try AlgorithmResolver.cascade(algorithm)
        for rank in ["M", "P"] where cascade.rank(named: rank) == nil {
            throw SimpleInputError("cascade '\(cascade.name)' has no rank '\(rank)'; attention cascades name keys M and queries P",
                                   suggestion: "declare 'rank M = …' and 'rank P = …' (see Examples/cascades/README.md)")
        }
        var sizes = AlgorithmResolver.binding(cascade, shape: shape, m0: nil, perHead: false)
        sizes["M"] = shape.kvLen
        return try SpatialProblem(cascade: cascade, sizes: sizes, machine: machine)
    }

    /// Simulates one attention call on a non-GPU target (ASIC spatial array, NPU, PIM system).
    /// `mapping` is `auto` (searched over the full mapspace with `search`) or a preset
    /// (``SpatialPreset``), whose cascade replaces `algorithm`. Dense attention only: masks are
    /// refused, not approximated.
    public static func simulateOnTarget(shape: AttentionShape, algorithm: String = "1pass", profile: HardwareProfile,
                                        mapping: String = "auto", search: SpatialSearch.Options = .init()) throws -> SimulationResult {
        guard case .dense = shape.mask, !shape.causal else {
            throw SimulationError.unsupported("'\(profile.name)' (\(profile.kind.rawValue)): masks and causal attention on spatial, NPU and PIM targets are not modeled yet; run the dense, non-causal call, or a GPU profile")
        }
        let preset: SpatialPreset?
        if mapping == "auto" {
            preset = nil
        } else if let p = SpatialPreset(rawValue: mapping) {
            preset = p
        } else {
            throw SimpleInputError("unknown mapping '\(mapping)' for '\(profile.name)' (\(profile.kind.rawValue))",
                                   suggestion: Suggestions.didYouMean(mapping, in: spatialMappingNames).map { "\($0); mappings: \(spatialMappingNames.joined(separator: ", "))" }
                                       ?? "mappings for spatial targets: \(spatialMappingNames.joined(separator: ", "))")
        }
        let problem = try spatialProblem(shape: shape, algorithm: preset?.cascade ?? algorithm, profile: profile)
        if let preset, let why = preset.refusal(problem) {
            throw SimulationError.unsupported("mapping '\(preset.rawValue)' cannot run on '\(profile.name)': \(why); use --mapping auto")
        }
        let space = SpatialMapspace(problem: problem, preset: preset)
        let outcome = try SpatialSearch.best(space, name: mapping, options: search)
        var result = try Experiment.evaluate(.spatial(problem: problem, plan: outcome.plan))
        result.kernel = mapping
        result.mapper = MapperStatistics(evaluated: outcome.evaluated, pruned: outcome.pruned, infeasible: outcome.infeasible,
                                         seconds: outcome.seconds, mapspaceSize: outcome.mapspaceSize, stoppedEarly: outcome.stoppedEarly)
        let infeasible = outcome.infeasible.sorted { $0.key < $1.key }.map { "\(Int($0.value)) overflow \($0.key)" }
        result.loopNest += "\nmapper: \(Int(outcome.evaluated)) candidates evaluated, \(Int(outcome.pruned)) pruned"
            + (infeasible.isEmpty ? "" : ", infeasible: " + infeasible.joined(separator: ", "))
            + (outcome.stoppedEarly ? " (stopped early: best so far)" : "")
        return result
    }
}
