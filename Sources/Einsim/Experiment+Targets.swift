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
        let machine = try Machine(profile: profile, precision: .fp16)
        let cascade = try AlgorithmResolver.cascade(algorithm)
        for rank in ["M", "P"] where cascade.rank(named: rank) == nil {
            throw SimpleInputError("cascade '\(cascade.name)' has no rank '\(rank)'; attention cascades name keys M and queries P", at: cascade.ranks.last?.source.location ?? cascade.einsums.first?.location,
                                   suggestion: "declare 'rank M = …' and 'rank P = …' (see Examples/cascades/README.md)")
        }
        var sizes = AlgorithmResolver.binding(cascade, shape: shape, m0: nil, perHead: false)
        // Grouped KV heads: the group's queries are packed head-major into the query rank (as
        // GQA kernels do), so each KV head's K and V serve its group in one pass.
        if shape.kvHeads != shape.heads {
            guard shape.kvHeads > 0, shape.heads % shape.kvHeads == 0, cascade.rank(named: "H") != nil else {
                throw SimulationError.unsupported("'\(profile.name)': --heads \(shape.heads) is not a multiple of --kv-heads \(shape.kvHeads), or the cascade has no head rank H")
            }
            let (packed, overflow) = shape.qLen.multipliedReportingOverflow(by: shape.heads / shape.kvHeads)
            guard !overflow, packed <= AttentionShape.maximumProduct else {
                throw SimpleInputError("--q-len \(shape.qLen) × \(shape.heads / shape.kvHeads) queries per KV head is beyond what einsim simulates (2^52)")
            }
            sizes["H"] = shape.kvHeads
            sizes["P"] = packed
        }
        sizes["M"] = shape.kvLen
        return try SpatialProblem(cascade: cascade, sizes: sizes, machine: machine)
    }

    /// Simulates one attention call on a non-GPU target (ASIC spatial array, NPU, PIM system).
    /// `mapping` is `auto` (searched over the full mapspace with `search`) or a preset
    /// (`SpatialPreset`), whose cascade replaces `algorithm`. Causal attention, block-sparse and
    /// block-selection masks, sliding windows, decode token selection, neighborhoods over token
    /// grids, stripes and sinks skip the tiles they leave empty (`SpatialSparsity`). A call whose
    /// tensors exceed the off-chip memory is refused.
    public static func simulateOnTarget(shape: AttentionShape, algorithm: String = "1pass", profile: HardwareProfile,
                                        mapping: String = "auto", search: SpatialSearch.Options = .init(),
                                        kvCacheBytesPerElement: Double? = nil,
                                        operandPrecision: (qk: Precision, pv: Precision)? = nil) throws -> SimulationResult {
        let sparsity = try spatialSparsity(shape, profile: profile)
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
        var problem = try spatialProblem(shape: shape, algorithm: preset?.cascade ?? algorithm, profile: profile)
        problem.sparsity = sparsity
        if let bytes = kvCacheBytesPerElement {
            problem.quantizeKVCache(bytesPerElement: bytes)
            guard SpatialCostModel(problem: problem).dequantizes else {
                throw SimulationError.unsupported("'\(profile.name)' has no unit with vector multiply and add to dequantize a quantized KV cache")
            }
        }
        if let operands = operandPrecision { try problem.setOperandPrecisions(qk: operands.qk, pv: operands.pv) }
        // The call's tensors must fit the off-chip memory (never a silent overflow).
        let main = problem.machine.mainMemory
        if main.capacityBytes > 0 {
            try checkFits(problem.compulsoryBytes, capacity: main.capacityBytes * Double(main.instances), machine: profile.name)
        }
        if let preset, let why = preset.refusal(problem) {
            throw SimulationError.unsupported("mapping '\(preset.rawValue)' cannot run on '\(profile.name)': \(why); use --mapping auto")
        }
        let space = SpatialMapspace(problem: problem, preset: preset)
        let outcome = try SpatialSearch.best(space, name: mapping, options: search)
        var result = try Experiment.evaluate(.spatial(problem: problem, plan: outcome.plan))
        result.kernel = mapping
        if let operands = operandPrecision {
            result.loopNest = "operands: Q·K at \(operands.qk.rawValue) on the \(problem.executionPath(for: operands.qk).rawValue) matrix path, "
                + "P·V at \(operands.pv.rawValue) on the \(problem.executionPath(for: operands.pv).rawValue) path\n" + result.loopNest
        }
        result.mapper = MapperStatistics(evaluated: outcome.evaluated, pruned: outcome.pruned, infeasible: outcome.infeasible,
                                         seconds: outcome.seconds, mapspaceSize: outcome.mapspaceSize, stoppedEarly: outcome.stoppedEarly)
        let infeasible = outcome.infeasible.sorted { $0.key < $1.key }.map { "\(Int($0.value)) overflow \($0.key)" }
        result.loopNest += "\nmapper: \(Int(outcome.evaluated)) candidates evaluated, \(Int(outcome.pruned)) pruned"
            + (infeasible.isEmpty ? "" : ", infeasible: " + infeasible.joined(separator: ", "))
            + (outcome.stoppedEarly ? " (stopped early: best so far)" : "")
        return result
    }

    /// The tiles `shape`'s mask lets a spatial mapping skip; refuses patterns it does not model.
    static func spatialSparsity(_ shape: AttentionShape, profile: HardwareProfile) throws -> SpatialSparsity {
        var density = 1.0, block = 1
        var window: Int?
        switch shape.mask {
        case .dense: break
        case let .blockSparse(d, b, _): density = d; block = b
        case let .slidingWindow(w): window = w
        case let .pattern(pattern):
            if let decode = pattern.decode {
                density = decode.keptFraction(kvLen: shape.kvLen); block = decode.pageTokens
            } else if pattern.local == nil, pattern.stripeColumns == 0, pattern.sinkTokens == 0 {
                density = pattern.selectionDensity(kvLen: shape.kvLen); block = pattern.block
            } else {
                // Neighborhoods on a token grid, stripes, sinks: the kept tiles are counted on the
                // pattern's own geometry at every tile size the mapper may choose.
                var sparsity = SpatialSparsity(queries: shape.qLen, keys: shape.kvLen)
                var perShape = shape
                perShape.batch = 1; perShape.heads = 1; perShape.kvHeads = 1
                let geometry = perShape
                sparsity.measuredScoreFraction = shape.mask.keptFraction(qLen: shape.qLen, kvLen: shape.kvLen)
                sparsity.measured = SpatialSparsity.MeasuredTiles { r, k in
                    PatternTiles.keptFraction(pattern: pattern, shape: geometry, rows: r, keys: k)
                }
                return sparsity
            }
        }
        return SpatialSparsity(density: density, block: block, window: window, causal: shape.causal, queries: shape.qLen, keys: shape.kvLen)
    }
}
