import ArgumentParser
import Einsim

/// `einsim simulate`: latency and energy of attention on one or more hardware profiles.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Simulate attention on hardware profiles.")
    @OptionGroup var options: WorkloadOptions

    func run() throws {
        let (records, failures) = try options.runEachHardware()
        switch options.format {
        case .table: emit(ResultRendering.table(records))
        case .json: emit(ResultRendering.json(records))
        case .csv: emit(ResultRendering.csv(records))
        case .markdown: emit(ResultRendering.markdown(records))
        }
        try SimulationError.combined(failures)
    }
}

/// `einsim compare`: dense vs each variant side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Dense vs each variant: latency, speedup, energy ratio, predictor share.")
    @OptionGroup var options: WorkloadOptions

    func run() throws {
        var opts = options
        // The baseline is the first `dense` variant (`dense:kernel=cudnn` runs it on another kernel).
        func isDense(_ v: String) -> Bool { v == "dense" || v.hasPrefix("dense:") }
        if !opts.variants.contains(where: isDense) { opts.variants.insert("dense", at: 0) }
        let records = try opts.run()
        let endToEnd = options.scope == .endToEnd
        var table = TextTable(headers: ["hardware", "variant", "latency", "speedup", "energy", "energy ratio", "predictor share"]
                              + (endToEnd ? ["attention share"] : []) + ["bound"])
        var json: [JSONValue] = []
        for r in records {
            guard let dense = records.first(where: { $0.result.hardware == r.result.hardware && isDense($0.variant) }) else { continue }
            let speedup = dense.result.latencySeconds / max(r.result.latencySeconds, 1e-30)
            let energyRatio = r.result.energyJoules / max(dense.result.energyJoules, 1e-30)
            table.add([r.result.hardware, r.variant, Format.seconds(r.result.latencySeconds), Format.fixed(speedup, 2) + "x",
                       Format.joules(r.result.energyJoules), Format.fixed(energyRatio, 3),
                       Format.fixed(100 * r.result.predictorShare, 1) + "%"]
                      + (endToEnd ? [Format.fixed(100 * (r.attentionShare ?? 0), 1) + "%"] : []) + [r.result.bound])
            if case var .object(o) = r.json {
                o["speedup"] = .number(speedup); o["energy_ratio"] = .number(energyRatio)
                o["predictor_share"] = .number(r.result.predictorShare)
                json.append(.object(o))
            }
        }
        switch options.format {
        case .json: emit(JSONValue.object(["results": .array(json)]).jsonText)
        case .csv: emit(ResultRendering.csv(records))
        case .markdown: emit(ResultRendering.markdown(records))
        case .table: emit(table.rendered)
        }
    }
}

/// `einsim map`: the chosen mapping as a readable loop nest with per-level traffic.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "map", abstract: "Show the chosen mapping as a loop nest with per-level traffic.")
    @OptionGroup var options: WorkloadOptions

    func run() throws {
        guard options.format == .table || options.format == .json else {
            throw SimpleInputError("--format \(options.format.rawValue): 'einsim map' prints its mapping as text (table) or json",
                                   suggestion: "use --format json, or 'einsim simulate --format \(options.format.rawValue)' for the figures")
        }
        let (records, failures) = try RooflineEngine.$describesMappings.withValue(true) { try options.runEachHardware() }
        if options.format == .json {
            // The results with the mapping as text: binding, fusion groups, loop nest, traffic.
            let objects: [JSONValue] = records.map { r in
                guard case var .object(o) = r.json else { return r.json }
                o["mapping"] = .string(r.result.loopNest)
                return .object(o)
            }
            emit(JSONValue.object(["results": .array(objects)]).jsonText)
            try SimulationError.combined(failures)
            return
        }
        for r in records {
            emit("\(r.result.hardware) · \(r.variant) · kernel \(r.result.kernel)")
            emit(r.result.loopNest)
            let levels = r.result.bytesPerLevel.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            emit("traffic: " + levels.map { "\($0.key) \(Format.bytes($0.value))" }.joined(separator: ", "))
            for k in r.result.kernels { emit("  fusion group (kernel) \(k.name): \(Format.seconds(k.seconds))") }
            if !r.result.utilization.isEmpty {
                emit("utilization: " + r.result.utilization.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.fixed(100 * $0.value, 1))%" }.joined(separator: ", "))
            }
            emit("")
        }
        try SimulationError.combined(failures)
    }
}
