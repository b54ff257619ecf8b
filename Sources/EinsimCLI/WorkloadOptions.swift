import ArgumentParser
import Einsim
import Foundation

/// Options shared by simulate, compare and map: hardware, workload shape, algorithm, mapping.
struct WorkloadOptions: ParsableArguments {
    @Argument(help: "An experiment file (XML); flags override its values.") var experiment: String?
    @Option(name: .customLong("hardware"), help: "Hardware profile name (see 'einsim list') or path; repeatable.")
    var hardware: [String] = []
    @Option(help: "Model preset (see 'einsim list').") var model: String?
    @Option(help: "prefill or decode (with --model).") var phase: String?
    @Option(help: "Sequence length (with --model).") var seq: Int?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "Query heads.") var heads: Int?
    @Option(name: .customLong("kv-heads"), help: "Key/value heads (GQA/MQA); default = heads.") var kvHeads: Int?
    @Option(name: .customLong("q-len"), help: "Query length.") var qLen: Int?
    @Option(name: .customLong("kv-len"), help: "Key/value length (default = q-len).") var kvLen: Int?
    @Option(name: .customLong("head-dim"), help: "Head dimension.") var headDim: Int?
    @Flag(help: "Causal mask.") var causal = false
    @Option(help: "1pass, 2pass, 3pass or a PATH.einsum cascade (default 1pass).") var algorithm: String?
    @Option(name: .customLong("variant"), help: "dense | block-sparse:density=D,block=B | sliding-window:window=W | top-k:… | neighborhood:… (see 'einsim list'); add kernel=PRESET to run a variant on its own kernel; repeatable.")
    var variants: [String] = []
    @Option(name: [.customLong("mapping"), .customLong("kernel")],
            help: "Mapping (alias --kernel): auto (searched; default); on GPUs fa2, fa3, cudnn, flex; on spatial, NPU and PIM targets fusemax, fusemax+cascade, fusemax+architecture, flat, unfused, npu-native.")
    var mappingName: String?
    @Option(help: "Mapper search on spatial targets: exhaustive (pruned; default), random or heuristic.") var search: SpatialSearch.Mode = .exhaustive
    @Option(help: "Seed of the random search (default 1).") var seed: UInt64 = 1
    @Option(help: "Candidates the random search draws (default 100000).") var samples: Int = 100_000
    @Option(name: .customLong("time-limit"), help: "Seconds the mapper may search before returning its best so far (default 60).") var timeLimit: Double = 60
    @Option(help: "roofline or cycle (event-driven tasks on units, buses and PIM banks; DRAM/PIM at command level). Default: roofline, cycle for --scope serving.")
    var engine: String?
    @Option(help: "Request dataset of --scope serving: sharegpt, alpaca, or IN:OUT mean prompt and generated tokens, e.g. 2048:128 (default sharegpt).") var dataset: String?
    @Option(name: .customLong("tensor-parallel"), help: "Devices each layer is split over with --scope serving (default: the model's published parallelism).")
    var tensorParallel: Int?
    @Option(name: .customLong("pipeline-parallel"), help: "Pipeline stages with --scope serving (default: the model's published parallelism).")
    var pipelineParallel: Int?
    @Option(help: "Write the cycle engine's schedule to FILE.json in the Chrome trace event format (Perfetto, chrome://tracing).")
    var trace: String?
    /// Where each variant of an experiment file was written (nil for flags), for error messages.
    var variantLocations: [SourceLocation?] = []
    @Option(help: "latency, energy or edp (default latency).") var objective: Objective?
    @Option(help: "table, json, csv or markdown.") var format: OutputFormat = .table
    @Option(help: "attention (one attention call), end-to-end (a model's layers x block; needs --model) or serving (batched decoding of --model: tokens/s and energy per token).") var scope: Scope = .attention
    @Option(help: "Repetitions of the whole model with --scope end-to-end (DiT denoising steps); default 1.") var steps: Int?

    /// The GPU kernel preset `--mapping` names (nil when none is given or it names a spatial mapping).
    var kernel: KernelPreset? { mappingName.flatMap(KernelPreset.init(rawValue:)) }

    /// Checks `--mapping` against the target kind it is used on.
    func checkMapping(for profile: HardwareProfile) throws {
        guard let name = mappingName else { return }
        if profile.kind == .gpu {
            guard KernelPreset(rawValue: name) != nil else {
                let gpu = KernelPreset.allCases.map(\.rawValue)
                throw SimpleInputError("--mapping \(name) is not a GPU kernel preset ('\(profile.name)' is a GPU)",
                                       suggestion: Suggestions.didYouMean(name, in: gpu).map { "\($0)" } ?? "GPU mappings: \(gpu.joined(separator: ", "))")
            }
        } else if !Experiment.spatialMappingNames.contains(name) {
            let names = Experiment.spatialMappingNames
            let gpuHint = KernelPreset(rawValue: name) != nil ? "'\(name)' is a GPU kernel preset; " : ""
            throw SimpleInputError("--mapping \(name) does not run on '\(profile.name)' (\(profile.kind.rawValue))",
                                   suggestion: gpuHint + "mappings for \(profile.kind.rawValue) targets: \(names.joined(separator: ", "))")
        }
    }

    /// The spatial mapper's search options from the flags.
    var searchOptions: SpatialSearch.Options {
        SpatialSearch.Options(mode: search, objective: objective ?? .latency, seed: seed, samples: samples, timeLimit: timeLimit,
                              progress: SearchProgress.terminal())
    }

    /// These options with an experiment file's values filled in where no flag was given.
    func resolved() throws -> WorkloadOptions {
        guard let path = experiment else { return self }
        let file = try ExperimentFile.load(path: path)
        var o = self
        o.experiment = nil
        if o.hardware.isEmpty { o.hardware = file.hardware }
        if o.variants.isEmpty { o.variants = file.variants; o.variantLocations = file.variantLocations }
        if o.model == nil { o.model = file.workload["model"] }
        if o.phase == nil { o.phase = file.workload["phase"] }
        if o.seq == nil { o.seq = try file.integer("seq") }
        if o.batch == nil { o.batch = try file.integer("batch") }
        if o.heads == nil { o.heads = try file.integer("heads") }
        if o.kvHeads == nil { o.kvHeads = try file.integer("kv-heads") }
        if o.qLen == nil { o.qLen = try file.integer("q-len") }
        if o.kvLen == nil { o.kvLen = try file.integer("kv-len") }
        if o.headDim == nil { o.headDim = try file.integer("head-dim") }
        if !o.causal, let c = file.workload["causal"] {
            guard let value = Bool(c) else {
                throw SimpleInputError("<workload causal=\"\(c)\">: expected true or false", at: file.workloadLocation)
            }
            o.causal = value
        }
        if o.algorithm == nil { o.algorithm = file.algorithm }
        if o.mappingName == nil, let k = file.kernel {
            let names = KernelPreset.allCases.map(\.rawValue) + Experiment.spatialMappingNames
            guard names.contains(k) else {
                throw SimpleInputError("unknown mapping '\(k)' in \(path)", suggestion: Suggestions.didYouMean(k, in: names) ?? "mappings: \(names.joined(separator: ", "))")
            }
            o.mappingName = k
        }
        if o.objective == nil, let v = file.objective {
            guard let objective = Objective(rawValue: v) else {
                throw SimpleInputError("unknown objective '\(v)' in \(path)", suggestion: Suggestions.didYouMean(v, in: Objective.allCases.map(\.rawValue)))
            }
            o.objective = objective
        }
        return o
    }

    /// The workload as (model name, phase, shape), from a model preset or explicit shapes.
    func workload() throws -> (model: String?, phase: String, shape: AttentionShape) {
        func positive(_ value: Int?, _ flag: String) throws -> Int? {
            guard let value else { return nil }
            guard value > 0, value <= 1 << 40 else {
                throw SimpleInputError("--\(flag) must be a positive integer ≤ 2^40, got \(value)")
            }
            return value
        }
        if let model {
            // The model sets the attention shape; shape flags next to it would be ignored.
            let conflicting: [(String, Int?)] = [("heads", heads), ("kv-heads", kvHeads), ("q-len", qLen), ("kv-len", kvLen), ("head-dim", headDim)]
            if let flag = conflicting.first(where: { $0.1 != nil }) {
                throw SimpleInputError("--\(flag.0) cannot be combined with --model \(model): the model sets the attention shape",
                                       suggestion: "drop --\(flag.0), or give the shape explicitly (--batch, --heads, --q-len, --head-dim …) without --model")
            }
            let preset = try ModelPreset.named(model)
            let phaseName = phase ?? "prefill"
            guard let phase = Phase(rawValue: phaseName) else {
                throw SimpleInputError("unknown phase '\(phaseName)'", suggestion: Suggestions.didYouMean(phaseName, in: Phase.allCases.map(\.rawValue)) ?? "use prefill or decode")
            }
            guard let seq = try positive(seq, "seq") else {
                throw SimpleInputError("--model needs --seq N", suggestion: "e.g. --model \(preset.name) --phase \(phase.rawValue) --seq 8192")
            }
            let b = try positive(batch, "batch") ?? 1
            return (preset.name, phase.rawValue, preset.attentionShape(phase: phase, seq: seq, batch: b))
        }
        if seq != nil || phase != nil {
            throw SimpleInputError("--\(seq != nil ? "seq" : "phase") applies to a --model preset",
                                   suggestion: "add --model NAME (see 'einsim list'), or give --q-len and --kv-len for explicit shapes")
        }
        guard let q = try positive(qLen, "q-len"), let h = try positive(heads, "heads"), let d = try positive(headDim, "head-dim") else {
            throw SimpleInputError("give a workload: --model NAME --phase prefill|decode --seq N, or --heads, --q-len and --head-dim",
                                   suggestion: "e.g. --batch 1 --heads 32 --q-len 32768 --head-dim 128")
        }
        let kvh = try positive(kvHeads, "kv-heads") ?? h
        guard h % kvh == 0 else {
            let divisors = (1...min(h, 4096)).filter { h % $0 == 0 }
            let nearest = divisors.min { abs($0 - kvh) < abs($1 - kvh) } ?? 1
            throw SimpleInputError("--heads (\(h)) must be a multiple of --kv-heads (\(kvh))",
                                   suggestion: "e.g. --kv-heads \(nearest) (each KV head serves heads / kv-heads query heads)")
        }
        let shape = AttentionShape(batch: try positive(batch, "batch") ?? 1, heads: h, kvHeads: kvh, qLen: q,
                                   kvLen: try positive(kvLen, "kv-len") ?? q, headDim: d, causal: causal)
        return (nil, shape.isDecode ? "decode" : "prefill", shape)
    }

    /// Parsed variants (dense when none given); an error names the flag, or the experiment
    /// file's `<variant>` line the spec came from.
    func variantSpecs() throws -> [VariantSpec] {
        try (variants.isEmpty ? ["dense"] : variants).enumerated().map { index, text in
            do { return try VariantSpec.parse(text) }
            catch let error as InputError {
                let excerpt = text.count > 60 ? String(text.prefix(60)) + "…" : text
                let inner = error.message.count > 240 ? String(error.message.prefix(240)) + "…" : error.message
                if let location = variantLocations[safe: index] ?? nil {
                    throw SimpleInputError("<variant>\(excerpt)</variant>: \(inner)", at: location, suggestion: error.suggestion)
                }
                throw SimpleInputError("--variant \(excerpt): \(inner)", suggestion: error.suggestion)
            }
        }
    }

    /// The engine the flags ask for (roofline unless given; cycle for --scope serving).
    func resolvedEngine() throws -> EngineKind {
        guard let engine else { return scope == .serving ? .cycle : .roofline }
        guard let kind = EngineKind(rawValue: engine) else {
            throw SimpleInputError("unknown engine '\(engine.prefix(40))'", suggestion: Suggestions.didYouMean(engine, in: EngineKind.allCases.map(\.rawValue)) ?? "use roofline or cycle")
        }
        return kind
    }

    func validateEngine() throws {
        // Mapper search limits: a search is bounded in time and draws (a guard on runaway searches).
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 3600 else {
            throw SimpleInputError("--time-limit \(timeLimit): the mapper's search limit must be more than 0 and at most 3600 seconds",
                                   suggestion: "e.g. --time-limit 60 (the search returns its best mapping so far when the limit is reached)")
        }
        guard samples >= 1, samples <= 1_000_000_000 else {
            throw SimpleInputError("--samples \(samples): the random search draws 1 to 10^9 candidates",
                                   suggestion: "e.g. --samples 100000 (about 0.1 s at the mapper's rate)")
        }
        let kind = try resolvedEngine()
        if trace != nil, kind != .cycle {
            throw SimpleInputError("--trace writes the cycle engine's schedule", suggestion: "add --engine cycle")
        }
    }

    /// Runs every hardware profile on its own: a profile that cannot simulate the request (exit 1)
    /// does not hide the others' results. Bad input still stops everything (exit 2).
    func runEachHardware() throws -> (records: [ResultRecord], failures: [SimulationError]) {
        if let path = experiment, !(try ExperimentFile.load(path: path).configurations.isEmpty) { return (try run(), []) }
        let options = try resolved()
        var records: [ResultRecord] = [], failures: [SimulationError] = []
        for name in options.hardware.isEmpty ? ["nvidia-h100-sxm"] : options.hardware {
            var one = options
            one.hardware = [name]
            do {
                records += try one.run()
            } catch let error as SimulationError {
                failures.append(error)
            }
        }
        if records.isEmpty, let first = failures.first { throw first }
        return (records, failures)
    }

    /// Runs every (hardware × variant) combination.
    func run(profileTransform: (HardwareProfile) throws -> HardwareProfile = { $0 }) throws -> [ResultRecord] {
        if let path = experiment {
            let file = try ExperimentFile.load(path: path)
            if !file.configurations.isEmpty { return try runStudy(file, profileTransform: profileTransform) }
            return try resolved().run(profileTransform: profileTransform)
        }
        try validateEngine()
        if scope == .endToEnd {
            let choice = try resolvedEngine()
            let records = try Experiment.$engine.withValue(choice) { try runEndToEnd(profileTransform: profileTransform) }
            if choice == .cycle, let other = records.first(where: { $0.result.engine != "cycle" }) {
                throw SimulationError.unsupported("the cycle engine does not run variant '\(other.variant)' end to end on '\(other.result.hardware)' yet; use --engine roofline")
            }
            return records
        }
        if scope == .serving { return try runServing(profileTransform: profileTransform) }
        for flag in [("dataset", dataset != nil), ("tensor-parallel", tensorParallel != nil), ("pipeline-parallel", pipelineParallel != nil)] where flag.1 {
            throw SimpleInputError("--\(flag.0) applies to --scope serving", suggestion: "add --scope serving --model NAME --batch N")
        }
        let choice = try resolvedEngine()
        let records = try Experiment.$engine.withValue(choice) { try runAttention(profileTransform: profileTransform) }
        // Never a silent fallback: a path the cycle engine does not cover yet is refused.
        if choice == .cycle, let other = records.first(where: { $0.result.engine != "cycle" }) {
            throw SimulationError.unsupported("the cycle engine does not run variant '\(other.variant)' on '\(other.result.hardware)' yet (predictor, token-selection, algebra and precision variants run on the roofline engine); use --engine roofline")
        }
        return records
    }

    /// One attention call on every (hardware × variant), with the task's engine.
    func runAttention(profileTransform: (HardwareProfile) throws -> HardwareProfile) throws -> [ResultRecord] {
        if steps != nil { throw SimpleInputError("--steps applies to --scope end-to-end", suggestion: "add --scope end-to-end --model NAME") }
        let (model, phase, base) = try workload()
        try base.validate()
        let specs = try variantSpecs()
        var records: [ResultRecord] = []
        for name in hardware.isEmpty ? ["nvidia-h100-sxm"] : hardware {
            let profile = try profileTransform(try ProfileResolver.load(name))
            guard profile.kind == .gpu else {
                // Spatial arrays, NPUs and PIM systems: the cascade through the spatial mapper.
                try checkMapping(for: profile)
                for spec in specs {
                    var shape = base
                    shape.mask = spec.mask
                    let result = try Experiment.simulateVariantOnTarget(spec, shape: base, algorithm: algorithm ?? "1pass", profile: profile,
                                                                        mapping: mappingName ?? "auto", search: searchOptions)
                    records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase, scope: "attention", shape: shape))
                }
                continue
            }
            try checkMapping(for: profile)
            let machine = try GPUMachine(profile: profile)
            for spec in specs {
                let kernel = try spec.kernelPreset(default: self.kernel ?? .auto)
                if spec.changesAlgebraOrPrecision {
                    let (result, shape) = try AttentionPlanner.simulate(shape: base, variant: spec, algorithm: algorithm ?? "1pass",
                                                                        preset: kernel, objective: objective ?? .latency,
                                                                        machine: machine)
                    records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase, scope: "attention", shape: shape))
                    continue
                }
                var shape = base
                shape.mask = spec.mask
                let algorithm = try AlgorithmResolver.resolve(self.algorithm ?? "1pass", shape: shape)
                let result = try Experiment.simulateVariant(spec, shape: shape, preset: kernel, machine: machine,
                                                            algorithm: algorithm, objective: objective ?? .latency)
                records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase,
                                            scope: "attention", shape: shape))
            }
        }
        return records
    }
}

extension KernelPreset: ExpressibleByArgument {}
extension Objective: ExpressibleByArgument {}

extension SpatialSearch.Mode: ExpressibleByArgument {}

extension WorkloadOptions {
    /// A study file: every (model × sequence × scope × configuration) point, in that order, each
    /// record tagged with its configuration's name.
    func runStudy(_ file: ExperimentFile, profileTransform: (HardwareProfile) throws -> HardwareProfile) throws -> [ResultRecord] {
        var base = try resolved()
        base.experiment = nil
        let models = file.models.isEmpty ? [base.model].compactMap { $0 } : file.models
        guard !models.isEmpty else {
            throw SimpleInputError("a study with <configuration>s needs <models> (or <workload model=…>)", suggestion: "e.g. <models>bert t5</models>")
        }
        let seqs = file.seqs.isEmpty ? [base.seq].compactMap { $0 } : file.seqs
        let scopes = try (file.scopes.isEmpty ? [base.scope.rawValue] : file.scopes).map { name -> Scope in
            guard let scope = Scope(rawValue: name) else {
                throw SimpleInputError("<scopes>: unknown scope '\(name.prefix(40))'", suggestion: "attention, end-to-end or serving")
            }
            return scope
        }
        let batches = file.batches.isEmpty ? [base.batch] : file.batches.map(Optional.some)
        let datasets = file.datasets.isEmpty ? [base.dataset] : file.datasets.map(Optional.some)
        var records: [ResultRecord] = []
        for model in models {
            for seq in seqs.isEmpty ? [nil] : seqs.map(Optional.some) {
                for scope in scopes {
                    for batch in batches {
                        for dataset in datasets {
                            for configuration in file.configurations {
                                var o = base
                                o.model = model; o.seq = seq; o.scope = scope; o.batch = batch; o.dataset = dataset
                                o.hardware = [configuration.hardware]
                                if let m = configuration.mapping { o.mappingName = m }
                                for var record in try o.run(profileTransform: profileTransform) {
                                    record.configuration = configuration.name
                                    records.append(record)
                                }
                            }
                        }
                    }
                }
            }
        }
        return records
    }
}

/// A progress line on standard error while a long mapping search runs on a terminal (quiet when
/// standard error is redirected).
enum SearchProgress {
    static func terminal() -> (@Sendable (Double, Double) -> Void)? {
        guard isatty(2) != 0 else { return nil }
        return { done, total in
            let percent = total > 0 ? min(100, 100 * done / total) : 0
            FileHandle.standardError.write(Data(String(format: "\rmapper: %.0f of %.0f candidates (%.0f%%)", done, total, percent).utf8))
        }
    }
}

/// Sweep axes set the command line's workload sizes by the same table as the library's.
extension WorkloadOptions: WorkloadSizes {}
