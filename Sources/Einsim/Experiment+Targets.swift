import EinsimCore
import EinsumIR
import HardwareModel
import Mapper
import Simulator

extension Experiment {
    /// Simulates one attention call on a non-GPU target (ASIC spatial array, NPU, PIM system):
    /// the cascade mapped by the spatial mapper (searched tiles) and evaluated by the roofline
    /// engine. Dense, non-causal MHA only for now; other masks and GQA are refused, not
    /// approximated.
    public static func simulateOnTarget(shape: AttentionShape, algorithm: String = "1pass", profile: HardwareProfile,
                                        objective: Objective = .latency) throws -> SimulationResult {
        guard case .dense = shape.mask, !shape.causal else {
            throw SimulationError.unsupported("'\(profile.name)' (\(profile.kind.rawValue)): masks and causal attention on spatial, NPU and PIM targets are not modeled yet; run the dense, non-causal call, or a GPU profile")
        }
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
        let mapper = SpatialMapper(cascade: cascade, sizes: sizes, machine: machine)
        // Main-memory capacity is not checked here: the spatial profiles' DRAM capacities are
        // leads (FuseMax and FLAT do not state them; their evaluations assume the workload fits).
        let search = try SpatialSearch.best(mapper, objective: objective)
        // Compulsory traffic: the cascade's own inputs and outputs, once.
        let bound = try mapper.bound(keyTile: search.mapping.keyTile)
        let compulsory = cascade.tensors.filter { $0.role != .intermediate }.reduce(0.0) { $0 + bound.bytes(of: $1.name) }
        var result = try RooflineEngine().evaluate(.cascade(mapper: mapper, mapping: search.mapping, compulsoryBytes: compulsory))
        result.loopNest += "\nmapper: \(search.evaluated) candidates evaluated" + (search.infeasible.isEmpty ? "" : ", infeasible: "
            + search.infeasible.sorted { $0.key < $1.key }.map { "\($0.value) overflow \($0.key)" }.joined(separator: ", "))
        return result
    }
}
