import EinsimCore
import HardwareModel
import Mapper

/// Exhaustive search over a spatial target's tile choices (query tile × key tile), scored by the
/// roofline engine's estimate, with the candidates counted by outcome. Ties keep the first
/// candidate in a fixed order, so the choice is deterministic.
public enum SpatialSearch {
    public struct Outcome: Sendable {
        public var mapping: Mapping
        public var seconds: Double
        public var joules: Double
        public var evaluated: Int
        /// Infeasible candidates by the level that overflowed.
        public var infeasible: [String: Int]
    }

    public static func best(_ mapper: SpatialMapper, objective: Objective) throws -> Outcome {
        let bindings = try mapper.bindings()
        let engine = CascadeRoofline(mapper: mapper)
        var best: Outcome?
        var bestScore = Double.infinity
        var evaluated = 0
        var infeasible: [String: Int] = [:]
        var firstFailure: Infeasible?
        for (pt, mt) in mapper.tileCandidates() {
            switch try mapper.mapping(queryTile: pt, keyTile: mt, bindings: bindings) {
            case let .failure(why):
                infeasible[why.level, default: 0] += 1
                if firstFailure == nil { firstFailure = why }
            case let .success(mapping):
                evaluated += 1
                let (t, e) = try engine.estimate(mapping)
                let score = objective.score(seconds: t, joules: e)
                if score < bestScore {
                    bestScore = score
                    best = Outcome(mapping: mapping, seconds: t, joules: e, evaluated: 0, infeasible: [:])
                }
            }
        }
        guard var outcome = best else {
            throw SimulationError.unsupported("no tiling of the cascade fits '\(mapper.machine.name)': every candidate \(firstFailure.map { "\($0)" } ?? "overflows")")
        }
        outcome.evaluated = evaluated
        outcome.infeasible = infeasible
        return outcome
    }
}
