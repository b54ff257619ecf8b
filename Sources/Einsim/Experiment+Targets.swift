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
        var sizes = AlgorithmResolver.binding(cascade, shape: shape, m0: nil, perHead: false)
        sizes["M"] = shape.kvLen
        let mapper = SpatialMapper(cascade: cascade, sizes: sizes, machine: machine)
        let search = try SpatialSearch.best(mapper, objective: objective)
        let tensors = AttentionTensor.tensors(of: cascade, sizes: sizes)
        let compulsory = RooflineEngine.compulsoryBytes(tensors, shape: shape, elementBytes: 2)
        var result = try RooflineEngine().evaluate(.cascade(mapper: mapper, mapping: search.mapping, compulsoryBytes: compulsory))
        result.loopNest += "\nmapper: \(search.evaluated) candidates evaluated" + (search.infeasible.isEmpty ? "" : ", infeasible: "
            + search.infeasible.sorted { $0.key < $1.key }.map { "\($0.value) overflow \($0.key)" }.joined(separator: ", "))
        return result
    }
}
