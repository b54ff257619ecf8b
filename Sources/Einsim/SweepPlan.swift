import EinsimCore
import Foundation
import HardwareModel
import Mapper
import Simulator
import Workloads

/// The fixed part of an attention sweep: what every point shares before the swept parameters
/// change it (the `simulate` options of one experiment).
public struct SweepBase: Sendable, Hashable {
    /// Profile names or paths (each point runs on every one).
    public var hardware: [String] = ["nvidia-h100-sxm"]
    public var model: String?
    public var phase: String?
    public var seq: Int?
    public var batch: Int?
    public var heads: Int?
    public var kvHeads: Int?
    public var qLen: Int?
    public var kvLen: Int?
    public var headDim: Int?
    public var causal = false
    /// `1pass`, `2pass`, `3pass` or a `.einsum` path.
    public var algorithm = "1pass"
    /// Variant specs (`dense`, `block-sparse:density=0.5`, …); each point runs every one.
    public var variants: [String] = ["dense"]
    /// A mapping preset (`fa2`, `fusemax`, …) or nil for the mapper's search (`auto`).
    public var mapping: String?
    public var objective: Objective = .latency
    public var engine: EngineChoice = .roofline

    public init() {}
}

/// A prepared attention sweep: every profile and cascade loaded and validated once, every
/// overridden profile derived (and its GPU model built) once, every variant parsed once; points
/// are then evaluated by index, from any thread, in any order.
///
/// The grid is the product of the parameters' values, the first parameter outermost; point `i`
/// runs every (hardware × variant) of the base.
public final class AttentionSweep: Sendable {
    public let base: SweepBase
    public let parameters: [SweepParameter]
    /// Number of grid points.
    public let count: Int

    /// A hardware target with the sweep's profile overrides applied.
    enum Target: Sendable {
        indirect case gpu(GPUMachine)
        case other(HardwareProfile)
    }

    private let strides: [Int]
    private let profileAxes: [Int], variantAxes: [Int], workloadAxes: [Int]
    private let mappingAxis: Int?
    /// Targets per combination of the profile parameters (mixed radix over `profileAxes`), per hardware.
    private let targets: [[Target]]
    /// Variant specs per combination of the variant parameters.
    private let variantSets: [[VariantSpec]]
    /// Per mapping value (or the base mapping): the GPU preset, nil for spatial names.
    private let mappings: [String?]
    /// The bound cascade per combination of the workload parameters (nil where the shape is bad:
    /// the point reports the error when it runs).
    private let algorithms: [AttentionAlgorithm?]
    /// The call per combination of the workload parameters, built once (a bad shape is the
    /// point's error).
    private let workloads: [Result<Workload, SimpleInputError>]
    typealias Workload = (model: String?, phase: String, shape: AttentionShape)

    /// Prepares the sweep; a bad parameter path, value or combination is an error naming the
    /// parameter, with a suggestion. `locate` names where a parameter was written (a flag or a
    /// file line) for error messages.
    ///
    /// With `attention: false` the sweep only checks the parameters against the profiles and gives
    /// the grid (``coordinates(of:)``): the caller runs the points another way (end-to-end and
    /// serving scopes, whose mappings name system organizations).
    public init(base: SweepBase, parameters: [SweepParameter], maximumPoints: Int = SweepParameter.maximumPoints,
                attention: Bool = true, locate: (SweepParameter) -> String = { "--sweep \($0.name)" }) throws {
        self.base = base
        self.parameters = parameters
        func located<T>(_ p: SweepParameter, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as InputError {
                throw SimpleInputError("\(locate(p)): \(error.message.prefix(300))", at: error.location, suggestion: error.suggestion)
            }
        }
        var seen = Set<String>()
        for p in parameters where !seen.insert(p.name).inserted {
            throw SimpleInputError("\(locate(p)): the parameter is swept twice", suggestion: "give all its values in one list or range")
        }
        count = try SweepParameter.pointCount(parameters, limit: maximumPoints)
        var strides = [Int](repeating: 1, count: parameters.count)
        for i in parameters.indices.reversed().dropFirst() { strides[i] = strides[i + 1] * parameters[i + 1].values.count }
        self.strides = strides
        profileAxes = parameters.indices.filter { parameters[$0].kind == .profile }
        variantAxes = parameters.indices.filter { parameters[$0].kind == .variant }
        workloadAxes = parameters.indices.filter { parameters[$0].kind == .workload }
        mappingAxis = parameters.indices.first { parameters[$0].kind == .mapping }
        if let m = base.model {
            for i in workloadAxes where ["heads", "kv-heads", "q-len", "kv-len", "head-dim"].contains(parameters[i].name) {
                throw SimpleInputError("\(locate(parameters[i])): --model \(m) sets the attention shape",
                                       suggestion: "sweep seq or batch with --model, or give explicit shapes (--heads, --q-len, --head-dim) without it")
            }
        } else if let i = workloadAxes.first(where: { parameters[$0].name == "seq" }) {
            throw SimpleInputError("\(locate(parameters[i])): seq applies to a --model preset", suggestion: "add --model NAME, or sweep q-len and kv-len")
        }

        // Profiles: loaded once; each combination of profile parameters derived in memory.
        let profiles = try base.hardware.map { try ProfileResolver.load($0) }
        let profileCombinations = profileAxes.reduce(1) { $0 * parameters[$1].values.count }
        var targets: [[Target]] = []
        targets.reserveCapacity(profileCombinations)
        for combination in 0..<profileCombinations {
            var rest = combination
            var values: [(SweepParameter, Double)] = []
            for axis in profileAxes.reversed() {
                let p = parameters[axis]
                values.append((p, p.numbers[rest % p.values.count] ?? 0))
                rest /= p.values.count
            }
            targets.append(try profiles.map { profile in
                var edited = profile
                for (p, value) in values.reversed() {
                    edited = try located(p) { try ProfileParameterPath.apply(p.name, value, to: edited) }
                }
                guard edited.kind == .gpu else { return .other(edited) }
                do { return .gpu(try GPUMachine(profile: edited)) } catch let error as InputError where !values.isEmpty {
                    let point = values.reversed().map { "\($0.0.name)=\(SweepParameter.format($0.1))" }.joined(separator: ", ")
                    throw SimpleInputError("at \(point): \(error.message.prefix(300))", at: error.location, suggestion: error.suggestion)
                }
            })
        }
        self.targets = targets

        // Variants: each combination of variant parameters parsed once.
        let variantCombinations = variantAxes.reduce(1) { $0 * parameters[$1].values.count }
        for axis in variantAxes {
            let key = String(parameters[axis].name.dropFirst("variant.".count))
            let keys = Set(base.variants.flatMap { Self.variantKeys($0) })
            guard keys.contains(key) else {
                throw SimpleInputError("\(locate(parameters[axis])): no variant has a parameter '\(key.prefix(40))' (variants: \(base.variants.joined(separator: "; ").prefix(120)))",
                                       suggestion: Suggestions.didYouMean(key, in: keys).map { "\($0) (variant.\(Suggestions.closest(to: key, in: keys) ?? ""))" }
                                           ?? "add a variant that has it, e.g. --variant block-sparse:density=0.5,block=128")
            }
        }
        var variantSets: [[VariantSpec]] = []
        for combination in 0..<variantCombinations {
            var rest = combination
            var texts = base.variants
            for axis in variantAxes.reversed() {
                let p = parameters[axis]
                let value = p.values[rest % p.values.count]
                rest /= p.values.count
                let key = String(p.name.dropFirst("variant.".count))
                texts = texts.map { Self.setting(key, to: value, in: $0) }
            }
            let axis = variantAxes.first.map { parameters[$0] }
            variantSets.append(try texts.map { text in
                do { return try VariantSpec.parse(text) } catch let error as InputError {
                    throw SimpleInputError("\(axis.map(locate) ?? "--variant"): variant '\(text.prefix(60))': \(error.message.prefix(240))", suggestion: error.suggestion)
                }
            })
        }
        self.variantSets = variantSets

        // Mappings: checked against every target kind.
        let mappingNames: [String?] = mappingAxis.map { parameters[$0].values.map(Optional.some) } ?? [base.mapping]
        for name in attention ? mappingNames.compactMap({ $0 }) : [] {
            for profile in profiles {
                let ok = profile.kind == .gpu ? KernelPreset(rawValue: name) != nil : Experiment.spatialMappingNames.contains(name)
                guard ok else {
                    let names = profile.kind == .gpu ? KernelPreset.allCases.map(\.rawValue) : Experiment.spatialMappingNames
                    let what = mappingAxis.map { locate(parameters[$0]) } ?? "--mapping"
                    throw SimpleInputError("\(what): mapping '\(name.prefix(40))' does not run on '\(profile.name)' (\(profile.kind.rawValue))",
                                           suggestion: Suggestions.didYouMean(name, in: names) ?? "mappings for \(profile.kind.rawValue) targets: \(names.joined(separator: ", "))")
                }
            }
        }
        mappings = mappingNames
        // The cascade is parsed and validated once, before any point runs, and bound once per
        // workload shape (GPU targets; spatial targets bind it in their problem).
        let cascade = try AlgorithmResolver.cascade(base.algorithm)
        let workloadCombinations = attention ? workloadAxes.reduce(1) { $0 * parameters[$1].values.count } : 0
        let axes = workloadAxes, sizes = workloadAxes.map { parameters[$0].values.count }
        let template = Self.workloadTemplate(base: base, parameters: parameters, axes: axes)
        let workloads: [Result<Workload, SimpleInputError>] = SweepExecution.map(0..<workloadCombinations) { combination in
            var c = [Int](repeating: 0, count: parameters.count)
            var rest = combination
            for (k, axis) in axes.enumerated().reversed() { c[axis] = rest % sizes[k]; rest /= sizes[k] }
            do {
                let w = try template(c)
                try w.shape.validate()
                return .success(w)
            } catch let error as InputError {
                return .failure(SimpleInputError(error.message, at: error.location, suggestion: error.suggestion))
            } catch {
                return .failure(SimpleInputError("\(error)"))
            }
        }
        self.workloads = workloads
        if attention, targets.first?.contains(where: { if case .gpu = $0 { return true } else { return false } }) == true {
            let shapes: [AttentionShape?] = workloads.map { try? $0.get().shape }
            // A one-pass cascade binds the same for every batch and head count (as the resolver
            // keys it): bind each distinct shape once.
            let onePass = cascade.passAnalysis().passes <= 1
            var distinct: [String: Int] = [:]
            var representatives: [AttentionShape] = []
            let slot: [Int?] = shapes.map { shape in
                guard let s = shape else { return nil }
                var key = "\(s.qLen)|\(s.kvLen)|\(s.headDim)|\(s.valueDim)"
                if !onePass { key += "|\(s.batch)|\(s.heads)|\(s.kvHeads)" }
                if let known = distinct[key] { return known }
                distinct[key] = representatives.count
                representatives.append(s)
                return representatives.count - 1
            }
            let name = base.algorithm
            let unique = representatives
            let resolved = SweepExecution.map(0..<unique.count) { try? AlgorithmResolver.resolve(name, shape: unique[$0]) }
            algorithms = slot.map { $0.flatMap { resolved[$0] } }
        } else {
            algorithms = []
        }
    }

    /// The workload at given coordinates, as a function usable before `self` is initialized.
    private static func workloadTemplate(base: SweepBase, parameters: [SweepParameter], axes: [Int]) -> @Sendable ([Int]) throws -> (model: String?, phase: String, shape: AttentionShape) {
        { c in try shape(base: base, parameters: parameters, workloadAxes: axes, c) }
    }

    /// The keys of a variant spec's parameters (`block-sparse:density=0.1,block=128` → density, block).
    static func variantKeys(_ text: String) -> [String] {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: ",").compactMap { $0.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// `text` with its parameter `key` set to `value` (unchanged when it has no such parameter).
    public static func setting(_ key: String, to value: String, in text: String) -> String {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return text }
        let items = parts[1].split(separator: ",").map { item -> String in
            let kv = item.split(separator: "=", maxSplits: 1)
            return kv.first.map { $0.trimmingCharacters(in: .whitespaces) } == key ? "\(key)=\(value)" : String(item)
        }
        return parts[0] + ":" + items.joined(separator: ",")
    }

    /// The value index of every parameter at point `index`.
    public func coordinates(of index: Int) -> [Int] {
        parameters.indices.map { (index / strides[$0]) % parameters[$0].values.count }
    }

    /// The shape of the call at the given coordinates (model, phase, shape).
    func workload(_ c: [Int]) throws -> (model: String?, phase: String, shape: AttentionShape) {
        try Self.shape(base: base, parameters: parameters, workloadAxes: workloadAxes, c)
    }

    private static func shape(base: SweepBase, parameters: [SweepParameter], workloadAxes: [Int], _ c: [Int]) throws -> (model: String?, phase: String, shape: AttentionShape) {
        var b = base
        for axis in workloadAxes {
            b.set(workloadAxis: parameters[axis].name, to: Int(parameters[axis].numbers[c[axis]] ?? 1))
        }
        if let model = b.model {
            let preset = try ModelPreset.named(model)
            let phaseName = b.phase ?? "prefill"
            guard let phase = Phase(rawValue: phaseName) else {
                throw SimpleInputError("unknown phase '\(phaseName.prefix(40))'", suggestion: Suggestions.didYouMean(phaseName, in: Phase.allCases.map(\.rawValue)) ?? "use prefill or decode")
            }
            guard let seq = b.seq else { throw SimpleInputError("--model needs --seq N", suggestion: "e.g. --seq 8192 or --sweep seq=1024:65536:x2") }
            return (preset.name, phase.rawValue, preset.attentionShape(phase: phase, seq: seq, batch: b.batch ?? 1))
        }
        guard let q = b.qLen, let h = b.heads, let d = b.headDim else {
            throw SimpleInputError("give a workload: --model NAME --phase prefill|decode --seq N, or --heads, --q-len and --head-dim",
                                   suggestion: "e.g. --batch 1 --heads 32 --q-len 32768 --head-dim 128")
        }
        let kvh = b.kvHeads ?? h
        guard h % kvh == 0 else {
            throw SimpleInputError("heads (\(h)) must be a multiple of kv-heads (\(kvh))", suggestion: "sweep kv-heads over divisors of heads")
        }
        let shape = AttentionShape(batch: b.batch ?? 1, heads: h, kvHeads: kvh, qLen: q, kvLen: b.kvLen ?? q, headDim: d, causal: b.causal)
        return (nil, shape.isDecode ? "decode" : "prefill", shape)
    }

    /// Runs point `index`: every (hardware × variant) of the base, in that order.
    public func evaluate(_ index: Int, search: SpatialSearch.Options = .init()) throws -> [ResultRecord] {
        guard base.engine != .roofline else { return try evaluatePoint(index, search: search) }
        return try Experiment.$engine.withValue(base.engine) { try evaluatePoint(index, search: search) }
    }

    private func evaluatePoint(_ index: Int, search: SpatialSearch.Options) throws -> [ResultRecord] {
        guard index >= 0, index < count else { throw SimpleInputError("point \(index) is outside the sweep (0..<\(count))") }
        let c = coordinates(of: index)
        var profileCombination = 0
        for axis in profileAxes { profileCombination = profileCombination * parameters[axis].values.count + c[axis] }
        var variantCombination = 0
        for axis in variantAxes { variantCombination = variantCombination * parameters[axis].values.count + c[axis] }
        let mapping = mappings[mappingAxis.map { c[$0] } ?? 0]
        var workloadCombination = 0
        for axis in workloadAxes { workloadCombination = workloadCombination * parameters[axis].values.count + c[axis] }
        guard workloads.indices.contains(workloadCombination) else {
            throw SimpleInputError("this sweep was prepared without attention points", suggestion: "prepare it with attention: true")
        }
        let (model, phase, baseShape) = try workloads[workloadCombination].get()
        let specs = variantSets[variantCombination]
        var records: [ResultRecord] = []
        records.reserveCapacity(targets[profileCombination].count * specs.count)
        for target in targets[profileCombination] {
            switch target {
            case let .other(profile):
                for spec in specs {
                    var shape = baseShape
                    shape.mask = spec.mask
                    let result = try Experiment.simulateVariantOnTarget(spec, shape: baseShape, algorithm: base.algorithm, profile: profile,
                                                                        mapping: mapping ?? "auto", search: search)
                    records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase, scope: "attention", shape: shape))
                }
            case let .gpu(machine):
                let preset = mapping.flatMap(KernelPreset.init(rawValue:)) ?? .auto
                for spec in specs {
                    let kernel = try spec.kernelPreset(default: preset)
                    if spec.changesAlgebraOrPrecision {
                        let (result, shape) = try AttentionPlanner.simulate(shape: baseShape, variant: spec, algorithm: base.algorithm, preset: kernel,
                                                                            objective: base.objective, machine: machine)
                        records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase, scope: "attention", shape: shape))
                        continue
                    }
                    var shape = baseShape
                    shape.mask = spec.mask
                    let algorithm = try algorithms[workloadCombination] ?? AlgorithmResolver.resolve(base.algorithm, shape: shape)
                    let result = try Experiment.simulateVariant(spec, shape: shape, preset: kernel, machine: machine,
                                                                algorithm: algorithm, objective: base.objective)
                    records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase, scope: "attention", shape: shape))
                }
            }
        }
        if base.engine == .cycle, let other = records.first(where: { $0.result.engine != "cycle" }) {
            throw SimulationError.unsupported("the cycle engine does not run variant '\(other.variant)' on '\(other.result.hardware)' yet (predictor, token-selection, algebra and precision variants run on the roofline engine); use --engine roofline")
        }
        return records
    }
}
