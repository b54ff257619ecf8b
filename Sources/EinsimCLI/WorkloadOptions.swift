import ArgumentParser
import Einsim

/// Options shared by simulate, compare and map: hardware, workload shape, algorithm, mapping.
struct WorkloadOptions: ParsableArguments {
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
    @Option(help: "1pass, 2pass, 3pass or a PATH.einsum cascade.") var algorithm: String = "1pass"
    @Option(name: .customLong("variant"), help: "dense | block-sparse:density=D,block=B | sliding-window:window=W | top-k:… | neighborhood:… (see 'einsim list'); repeatable.")
    var variants: [String] = []
    @Option(help: "GPU mapping preset: auto, fa2, fa3, cudnn, flex.") var kernel: KernelPreset = .auto
    @Option(help: "roofline (cycle not yet available).") var engine: String = "roofline"
    @Option(help: "latency, energy or edp.") var objective: Objective = .latency
    @Option(help: "table, json, csv or markdown.") var format: OutputFormat = .table

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
        guard let q = try positive(qLen, "q-len"), let h = try positive(heads, "heads"), let d = try positive(headDim, "head-dim") else {
            throw SimpleInputError("give a workload: --model NAME --phase prefill|decode --seq N, or --heads, --q-len and --head-dim",
                                   suggestion: "e.g. --batch 1 --heads 32 --q-len 32768 --head-dim 128")
        }
        let kvh = try positive(kvHeads, "kv-heads") ?? h
        guard h % kvh == 0 else {
            throw SimpleInputError("--heads (\(h)) must be a multiple of --kv-heads (\(kvh))")
        }
        let shape = AttentionShape(batch: try positive(batch, "batch") ?? 1, heads: h, kvHeads: kvh, qLen: q,
                                   kvLen: try positive(kvLen, "kv-len") ?? q, headDim: d, causal: causal)
        return (nil, shape.isDecode ? "decode" : "prefill", shape)
    }

    /// Parsed variants (dense when none given).
    func variantSpecs() throws -> [VariantSpec] {
        try (variants.isEmpty ? ["dense"] : variants).map(VariantSpec.parse)
    }

    func validateEngine() throws {
        guard engine == "roofline" else {
            if engine == "cycle" { throw SimulationError.unsupported("the cycle engine is not built yet; use --engine roofline") }
            throw SimpleInputError("unknown engine '\(engine)'", suggestion: Suggestions.didYouMean(engine, in: ["roofline", "cycle"]) ?? "use roofline")
        }
    }

    /// Runs every (hardware × variant) combination.
    func run() throws -> [ResultRecord] {
        try validateEngine()
        let (model, phase, base) = try workload()
        let specs = try variantSpecs()
        var records: [ResultRecord] = []
        for name in hardware.isEmpty ? ["nvidia-h100-sxm"] : hardware {
            let profile = try ProfileResolver.load(name)
            let machine = try GPUMachine(profile: profile)
            for spec in specs {
                var shape = base
                shape.mask = spec.mask
                let algorithm = try AlgorithmResolver.resolve(algorithm, shape: shape)
                let result = try Experiment.simulateVariant(spec, shape: shape, preset: kernel, machine: machine,
                                                            algorithm: algorithm, objective: objective)
                records.append(ResultRecord(result: result, variant: spec.text, model: model, phase: phase,
                                            scope: "attention", shape: shape))
            }
        }
        return records
    }
}

extension KernelPreset: ExpressibleByArgument {}
extension Objective: ExpressibleByArgument {}
