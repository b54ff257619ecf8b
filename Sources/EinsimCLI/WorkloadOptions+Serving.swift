import ArgumentParser
import Einsim

extension WorkloadOptions {
    /// `--scope serving`: batched decoding of `--model` at `--batch` requests on each hardware
    /// profile, with the system organization `--mapping` names (auto: the best the system runs).
    func runServing(profileTransform: (HardwareProfile) throws -> HardwareProfile = { $0 }) throws -> [ResultRecord] {
        guard let modelName = model else {
            throw SimpleInputError("--scope serving needs --model NAME", suggestion: "e.g. --model gpt-3-30b --batch 256 --scope serving")
        }
        for flag in [("seq", seq != nil), ("q-len", qLen != nil), ("kv-len", kvLen != nil), ("heads", heads != nil), ("head-dim", headDim != nil)] where flag.1 {
            throw SimpleInputError("--\(flag.0) does not apply to --scope serving: the dataset sets the KV lengths", suggestion: "use --dataset sharegpt|alpaca|IN:OUT (e.g. 2048:128)")
        }
        if let phase, phase != "decode" {
            throw SimpleInputError("--scope serving models decoding; --phase \(phase.prefix(20)) does not apply", suggestion: "drop --phase (prefill runs on the compute device: --scope end-to-end)")
        }
        let preset = try ModelPreset.named(modelName)
        let data: ServingDataset
        do { data = try ServingDataset.named(dataset ?? "sharegpt") } catch let error as InputError {
            throw SimpleInputError("--dataset: " + error.message, suggestion: error.suggestion)
        }
        let published = Parallelism.published(for: preset)
        let parallelism = Parallelism(tensor: tensorParallel ?? published.tensor, pipeline: pipelineParallel ?? published.pipeline)
        let workload = ServingWorkload(model: preset, batch: batch ?? 1, dataset: data, parallelism: parallelism)
        try workload.validate()
        let specs = try variantSpecs()
        let engine = try resolvedEngine()
        var records: [ResultRecord] = []
        for name in hardware.isEmpty ? ["neupims"] : hardware {
          let profile = try profileTransform(try ProfileResolver.load(name))
          for spec in specs {
            let served: ServingResult
            if let mapping = mappingName, mapping != "auto" {
                guard let organization = ServingOrganization(rawValue: mapping) else {
                    let names = ServingOrganization.allCases.map(\.rawValue)
                    throw SimpleInputError("--mapping \(mapping.prefix(40)) is not a serving organization",
                                           suggestion: Suggestions.didYouMean(mapping, in: names) ?? "with --scope serving: auto, " + names.joined(separator: ", "))
                }
                served = try ServingSimulation.simulate(workload, profile: profile, organization: organization, variant: spec)
            } else {
                served = try ServingSimulation.best(workload, profile: profile, variant: spec)
            }
            var result = served.result
            if engine == .roofline {
                // The roofline view: every resource's work overlapped perfectly (no dependencies).
                let scale = result.rooflineSeconds / max(result.latencySeconds, 1e-300)
                result.engine = "roofline"
                result.staticJoules *= scale
                result.energyJoules = result.dynamicJoules + result.staticJoules
                result.latencySeconds = result.rooflineSeconds
                result.averagePowerWatts = result.latencySeconds > 0 ? result.energyJoules / result.latencySeconds : 0
            }
            var record = ResultRecord(result: result, variant: spec.text, model: preset.name, phase: "decode", scope: Scope.serving.rawValue,
                                      shape: AttentionShape(batch: workload.batch, heads: preset.heads, kvHeads: preset.kvHeads, qLen: 1,
                                                            kvLen: max(1, Int(workload.meanContextLength.rounded())), headDim: preset.headDim))
            let tokens = Double(workload.batch)
            record.serving = .init(tokensPerSecond: result.latencySeconds > 0 ? tokens / result.latencySeconds : 0,
                                   joulesPerToken: result.energyJoules / tokens, dataset: data.name,
                                   tensorParallel: parallelism.tensor, pipelineParallel: parallelism.pipeline)
            if engine == .cycle { record.trace = served.trace }
            records.append(record)
          }
        }
        return records
    }
}
