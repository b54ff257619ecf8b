import EinsimCore
import Mapper
import Workloads

/// What the mapper minimizes.
public enum Objective: String, Sendable, CaseIterable {
    case latency, energy, edp

    /// The objective's value for (seconds, joules).
    public func score(seconds: Double, joules: Double) -> Double {
        switch self {
        case .latency: return seconds
        case .energy: return joules
        case .edp: return seconds * joules
        }
    }
}

/// Exhaustive search over the candidate mappings (presets plus tile × path × overlap variations
/// that fit shared memory and registers), scored by the roofline engine's fast estimate. Ties keep
/// the first candidate in a fixed order, so the choice is deterministic.
public enum MappingSearch {
    public struct Outcome: Sendable {
        public var mapping: AttentionMapping
        public var seconds: Double
        public var joules: Double
        public var candidatesEvaluated: Int
    }

    public static func best(shape: AttentionShape, algorithm: AttentionAlgorithm, machine: GPUMachine,
                            objective: Objective) -> Outcome {
        let candidates = AttentionMapper.candidates(
            shape: shape, sm: machine.sm, matrixPaths: machine.matrixPaths, registerHeadroom: machine.registerHeadroom)
        let estimator = AttentionEstimator(shape: shape, tensors: algorithm.tensors, machine: machine)
        var best: Outcome?
        var bestScore = Double.infinity
        // Per-score costs depend only on the key tile: look each up once.
        var costsByTile: [(tile: Int, costs: ScoreCosts)] = []
        for mapping in candidates {
            let costs: ScoreCosts
            if let known = costsByTile.first(where: { $0.tile == mapping.blockKV }) {
                costs = known.costs
            } else {
                costs = algorithm.costs(atKeyTile: mapping.blockKV, shape: shape)
                costsByTile.append((mapping.blockKV, costs))
            }
            let (t, e) = estimator.estimate(costs: costs, mapping: mapping)
            let score = objective.score(seconds: t, joules: e)
            if score < bestScore {
                bestScore = score
                best = Outcome(mapping: mapping, seconds: t, joules: e, candidatesEvaluated: candidates.count)
            }
        }
        let fallback = AttentionMapper.mapping(preset: .fa2, shape: shape, sm: machine.sm)
        return best ?? Outcome(mapping: fallback, seconds: .infinity, joules: .infinity, candidatesEvaluated: 0)
    }
}
