import ArgumentParser
import Einsim

/// What a simulation covers: one attention call, or a model's whole forward pass.
enum Scope: String, CaseIterable, ExpressibleByArgument {
    case attention
    case endToEnd = "end-to-end"
    case serving
}

typealias EngineKind = EngineChoice

extension WorkloadOptions {
    /// Runs every (hardware × variant) combination over the model's layers × block × steps.
    func runEndToEnd(profileTransform: (HardwareProfile) throws -> HardwareProfile = { $0 }) throws -> [ResultRecord] {
        guard let modelName = model else {
            throw SimpleInputError("--scope end-to-end needs --model NAME (a block needs the model's dimensions)",
                                   suggestion: "e.g. --model llama-3-8b --phase prefill --seq 8192 --scope end-to-end")
        }
        let (_, phaseName, _) = try workload()
        let preset = try ModelPreset.named(modelName)
        let phase = Phase(rawValue: phaseName) ?? .prefill
        let seqLength = seq ?? 1
        let batchSize = batch ?? 1
        let stepCount = steps ?? 1
        guard stepCount > 0, stepCount <= 1_000_000 else {
            throw SimpleInputError("--steps must be a positive integer ≤ 1000000, got \(stepCount)")
        }
        // The same workload checks as the attention scope: the block's tokens (batch × sequence)
        // and its attention call must stay within the engines' exact range.
        let (tokens, overflow) = seqLength.multipliedReportingOverflow(by: batchSize)
        guard !overflow, tokens <= AttentionShape.maximumProduct else {
            throw SimpleInputError("--batch \(batchSize) × --seq \(seqLength) tokens is beyond what einsim simulates (2^52)",
                                   suggestion: "use a smaller batch or sequence; sweeps can step through the range")
        }
        try preset.attentionShape(phase: phase, seq: seqLength, batch: batchSize).validate()
        let specs = try variantSpecs()
        var records: [ResultRecord] = []
        for name in hardware.isEmpty ? ["nvidia-h100-sxm"] : hardware {
            let profile = try profileTransform(try ProfileResolver.load(name))
            try checkMapping(for: profile)
            guard profile.kind == .gpu else {
                for spec in specs {
                    let e2e = try EndToEnd.simulateOnTarget(model: preset, phase: phase, seq: seqLength, batch: batchSize, steps: stepCount,
                                                            mapping: mappingName ?? "auto", algorithm: algorithm ?? "1pass", profile: profile,
                                                            search: searchOptions, variant: spec.text == "dense" ? nil : spec)
                    var record = ResultRecord(result: e2e.result, variant: spec.text, model: preset.name, phase: phase.rawValue,
                                              scope: Scope.endToEnd.rawValue, shape: e2e.attentionShape)
                    record.attentionShare = e2e.attentionShare
                    records.append(record)
                }
                continue
            }
            let machine = try GPUMachine(profile: profile)
            for spec in specs {
                let e2e = try EndToEnd.simulate(model: preset, phase: phase, seq: seqLength, batch: batchSize, steps: stepCount,
                                                variant: spec, algorithm: algorithm ?? "1pass", preset: try spec.kernelPreset(default: kernel ?? .auto),
                                                objective: objective ?? .latency, machine: machine)
                var record = ResultRecord(result: e2e.result, variant: spec.text, model: preset.name, phase: phase.rawValue,
                                          scope: Scope.endToEnd.rawValue, shape: e2e.attentionShape)
                record.attentionShare = e2e.attentionShare
                records.append(record)
            }
        }
        return records
    }
}
