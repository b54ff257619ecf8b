import EinsimCore
import Workloads
import EinsumIR
import Foundation

/// Turns `--algorithm` (1pass | 2pass | 3pass | PATH.einsum) into the engine's algorithm, with
/// every cost derived from the cascade: a 1-pass cascade becomes one fused kernel whose per-score
/// work comes from its operation counts at the mapping's key tile (`M0`); a multi-pass cascade
/// becomes one kernel per pass, with the tensors that cross pass boundaries moved through DRAM.
public enum AlgorithmResolver {
    /// The shipped cascade files for the named algorithms.
    public static let shipped: [String: String] = [
        "1pass": "attention-1pass.einsum", "2pass": "attention-2pass.einsum", "3pass": "attention-3pass.einsum",
    ]

    /// The folders searched for the shipped cascades, in order (``ResourceSearchPath``:
    /// `$EINSIM_CASCADES`, the installed and copied locations beside the executable, the source
    /// tree's `Examples/cascades`).
    public static var searchPath: ResourceSearchPath {
        ResourceSearchPath.standard(.cascades, environment: ProcessInfo.processInfo.environment)
    }

    /// Directory of the shipped `.einsum` cascades (found from any working directory along
    /// ``searchPath``).
    public static var cascadesDirectory: String? {
        searchPath.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The error when the shipped cascades are not found: every folder searched, and the variable.
    public static var cascadesNotFound: SimulationError {
        let path = searchPath
        return .unsupported(path.notFoundMessage + "; " + path.notFoundSuggestion)
    }

    nonisolated(unsafe) private static var parsed: [String: Cascade] = [:]
    private static let parsedLock = NSLock()

    /// Loads the cascade named by `name` (a shipped algorithm or a path), parsed once per process.
    public static func cascade(_ name: String) throws -> Cascade {
        // Keyed by the file's size and modification time too: an edited file is parsed again.
        var key = name
        if let attributes = try? FileManager.default.attributesOfItem(atPath: name) {
            key += "|\((attributes[.size] as? NSNumber)?.int64Value ?? -1)|\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        parsedLock.lock()
        let known = parsed[key]
        parsedLock.unlock()
        if let known { return known }
        let cascade = try parse(name)
        parsedLock.lock()
        if parsed.count > 256 { parsed.removeAll() }
        parsed[key] = cascade
        parsedLock.unlock()
        return cascade
    }

    static func parse(_ name: String) throws -> Cascade {
        if let file = shipped[name] {
            guard let dir = cascadesDirectory else {
                throw cascadesNotFound
            }
            return try CascadeParser.parse(contentsOf: dir + "/" + file)
        }
        guard name.hasSuffix(".einsum") else {
            throw SimpleInputError("unknown algorithm '\(name)'",
                                   suggestion: Suggestions.didYouMean(name, in: shipped.keys.sorted()) ?? "use 1pass, 2pass, 3pass or a PATH.einsum cascade")
        }
        return try CascadeParser.parse(contentsOf: name)
    }

    public static func resolve(_ name: String, shape: AttentionShape) throws -> AttentionAlgorithm {
        let cascade = try self.cascade(name)
        for rank in ["M", "P"] where cascade.rank(named: rank) == nil {
            throw SimpleInputError("cascade '\(cascade.name)' has no rank '\(rank)'; attention cascades name keys M and queries P", at: cascade.ranks.last?.source.location ?? cascade.einsums.first?.location,
                                   suggestion: "declare 'rank M = …' and 'rank P = …' (see Examples/cascades/README.md)")
        }
        let analysis = cascade.passAnalysis()
        // Resolved algorithms are shared by calls of the same dimensions (a sweep over batch,
        // heads or a profile parameter binds the cascade once): a 1-pass cascade's per-score costs
        // do not depend on batch or heads; a multi-pass cascade's pass kernels do.
        var key = "\(name)|\(cascade.hashValue)|\(shape.qLen)|\(shape.kvLen)|\(shape.headDim)|\(shape.valueDim)"
        if analysis.passes > 1 { key += "|\(shape.batch)|\(shape.heads)|\(shape.kvHeads)" }
        resolvedLock.lock()
        let known = resolved[key]
        resolvedLock.unlock()
        if let known { return known }
        let algorithm = analysis.passes <= 1 ? try onePass(cascade, shape: shape) : try perPass(cascade, analysis: analysis, shape: shape)
        resolvedLock.lock()
        if resolved.count > 4096 { resolved.removeAll() }
        resolved[key] = algorithm
        resolvedLock.unlock()
        return algorithm
    }

    nonisolated(unsafe) private static var resolved: [String: AttentionAlgorithm] = [:]
    private static let resolvedLock = NSLock()

    /// The binding of the cascade's role ranks to the call's shape (per head when `perHead`).
    public static func binding(_ cascade: Cascade, shape: AttentionShape, m0: Int?, perHead: Bool) -> [String: Int] {
        var b: [String: Int] = ["M": shape.kvLen, "P": shape.qLen, "E": shape.headDim, "F": shape.valueDim]
        b["B"] = perHead ? 1 : shape.batch
        b["H"] = perHead ? 1 : shape.heads
        if let m0 { b["M0"] = min(m0, shape.kvLen) }
        return b.filter { key, _ in
            guard let rank = cascade.rank(named: key) else { return false }
            if case .partition = rank.shape { return false }
            return true
        }
    }

    static func onePass(_ cascade: Cascade, shape: AttentionShape) throws -> AttentionAlgorithm {
        var table: [Int: ScoreCosts] = [:]
        var perEinsum: [Int: [EinsumWork]] = [:]
        for m0 in [16, 32, 64, 80, 128, 256] {
            // Per computed score: the kernel computes whole key tiles of m0 (the last one padded
            // when the keys are fewer), so the cascade is bound with M0 = m0 and its counts are
            // shared by the padded score space q × ceil(kv / m0) × m0.
            var sizes = binding(cascade, shape: shape, m0: m0, perHead: true)
            if sizes["M0"] != nil { sizes["M0"] = m0 }
            let bound = try cascade.bind(sizes)
            let tileKeys = sizes["M0"] != nil ? Double((shape.kvLen + m0 - 1) / m0 * m0) : Double(shape.kvLen)
            let scores = Double(shape.qLen) * tileKeys
            var counts = bound.totalOperationCounts
            counts += bound.initializationCounts()
            table[m0] = ScoreCosts(counts: counts, scores: scores)
            let s = max(scores, 1)
            perEinsum[m0] = zip(cascade.einsums, bound.operationCounts()).map { e, c in
                var perScore = OperationCounts()
                for k in CostClass.allCases { perScore[k] = c[k] / s }
                return EinsumWork(name: e.outputTensor, perScore: perScore)
            }
        }
        let einsums = perEinsum
        let fallback = table[64] ?? ScoreCosts.onePassAttention(e: shape.headDim, f: shape.valueDim, m0: 64, m: shape.kvLen)
        let frozen = table
        let sizes = binding(cascade, shape: shape, m0: nil, perHead: false)
        return .onePass(costsAtTile: { m0 in frozen[m0] ?? fallback }, tensors: AttentionTensor.tensors(of: cascade, sizes: sizes),
                        cascade: cascade, einsumsAtTile: { m0 in einsums[m0] ?? einsums[64] ?? [] })
    }

    static func perPass(_ cascade: Cascade, analysis: PassAnalysis, shape: AttentionShape) throws -> AttentionAlgorithm {
        let bound = try cascade.bind(binding(cascade, shape: shape, m0: 128, perHead: false))
        return .perPass(name: cascade.name, passes: bound.passKernels(), cascade: cascade)
    }
}

extension Array {
    /// The element at `index`, or nil when out of range.
    public subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
