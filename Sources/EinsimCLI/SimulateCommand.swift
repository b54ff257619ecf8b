import ArgumentParser
import Einsim
import Foundation

/// `einsim simulate`: latency and energy of attention on one or more hardware profiles.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Simulate attention on hardware profiles.")
    @OptionGroup var options: WorkloadOptions

    func run() throws {
        let (records, failures) = try options.runEachHardware()
        if let path = options.trace {
            guard let trace = records.lazy.compactMap({ $0.trace ?? $0.result.trace }).first else {
                throw SimulationError.unsupported("no result came from the cycle engine, so there is no schedule for --trace")
            }
            do { try Data(trace.json.utf8).write(to: URL(fileURLWithPath: path)) }
            catch { throw SimpleInputError("--trace \(path.prefix(200)): cannot write the file (\(error.localizedDescription))", suggestion: "give a path in a writable directory") }
        }
        switch options.format {
        case .table: emit(ResultRendering.table(records))
        case .json: emit(ResultRendering.json(records))
        case .csv: emit(ResultRendering.csv(records))
        case .markdown: emit(ResultRendering.markdown(records))
        case .jsonl: emit(records.map(\.json.jsonText).joined(separator: "\n"))
        }
        try SimulationError.combined(failures)
    }
}

/// `einsim compare`: dense vs each variant side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Dense vs each variant: latency, speedup, energy ratio, predictor share.")
    @OptionGroup var options: WorkloadOptions

    func run() throws {
        if let path = options.experiment, !(try ExperimentFile.load(path: path).configurations.isEmpty) {
            try compareStudy()
            return
        }
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
        case .jsonl: emit(json.map(\.jsonText).joined(separator: "\n"))
        case .csv: emit(ResultRendering.csv(records))
        case .markdown: emit(ResultRendering.markdown(records))
        case .table: emit(table.rendered)
        }
    }
}

extension CompareCommand {
    /// A study file: per point (model, sequence, scope), the first configuration against each
    /// other one: speedup (other latency / its latency) and energy ratio (its energy / other's),
    /// then the arithmetic means per scope and configuration.
    func compareStudy() throws {
        let records = try options.run()
        guard let reference = records.first?.configuration else { return }
        struct Key: Hashable { var model: String; var seq: Int; var scope: String; var batch: Int; var dataset: String }
        let serving = records.contains { $0.serving != nil }
        var byPoint: [Key: [String: ResultRecord]] = [:]
        var order: [Key] = []
        var others: [String] = []
        for r in records {
            let key = Key(model: r.model ?? "-", seq: r.serving == nil ? r.shape.kvLen : 0, scope: r.scope, batch: r.shape.batch,
                          dataset: r.serving?.dataset ?? "-")
            if byPoint[key] == nil { order.append(key) }
            byPoint[key, default: [:]][r.configuration ?? "-"] = r
            if let c = r.configuration, c != reference, !others.contains(c) { others.append(c) }
        }
        var headers = serving ? ["model", "batch", "dataset", "scope"] : ["model", "seq", "scope"]
        for o in others { headers += ["speedup vs \(o)", "energy vs \(o)"] }
        headers.append("\(reference) \(serving ? "utilization" : "pe util")")
        var table = TextTable(headers: headers)
        var json: [JSONValue] = []
        var sums: [String: (speedup: Double, energy: Double, n: Double)] = [:]
        for key in order {
            guard let point = byPoint[key], let ref = point[reference] else { continue }
            var row = serving ? [key.model, String(key.batch), key.dataset, key.scope] : [key.model, String(key.seq), key.scope]
            var object: [String: JSONValue] = ["model": .string(key.model), "scope": .string(key.scope)]
            if serving { object["batch"] = .number(Double(key.batch)); object["dataset"] = .string(key.dataset) }
            else { object["seq"] = .number(Double(key.seq)) }
            for o in others {
                guard let other = point[o] else { row += ["-", "-"]; continue }
                let speedup = other.result.latencySeconds / max(ref.result.latencySeconds, 1e-300)
                let energy = ref.result.energyJoules / max(other.result.energyJoules, 1e-300)
                row += [Format.fixed(speedup, 2) + "x", Format.fixed(energy, 3)]
                object["speedup_vs_\(o)"] = .number(speedup); object["energy_ratio_vs_\(o)"] = .number(energy)
                let k = "\(key.scope) \(o)"
                let s = sums[k] ?? (0, 0, 0)
                sums[k] = (s.speedup + speedup, s.energy + energy, s.n + 1)
            }
            let util = ref.result.utilization.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.fixed($0.value, 2))" }.joined(separator: ", ")
            row.append(util)
            table.add(row)
            json.append(.object(object))
        }
        var means = TextTable(headers: ["scope", "\(reference) vs", "mean speedup", "mean energy ratio", "points"])
        var meanJSON: [JSONValue] = []
        for k in sums.keys.sorted() {
            guard let s = sums[k] else { continue }
            let parts = k.split(separator: " ", maxSplits: 1).map(String.init)
            means.add([parts[0], parts.count > 1 ? parts[1] : "", Format.fixed(s.speedup / s.n, 2) + "x", Format.fixed(s.energy / s.n, 3), String(Int(s.n))])
            meanJSON.append(.object(["scope": .string(parts[0]), "versus": .string(parts.count > 1 ? parts[1] : ""),
                                     "mean_speedup": .number(s.speedup / s.n), "mean_energy_ratio": .number(s.energy / s.n), "points": .number(s.n)]))
        }
        if options.format == .json {
            emit(JSONValue.object(["reference": .string(reference), "points": .array(json), "means": .array(meanJSON)]).jsonText)
        } else {
            emit(table.rendered + "\n\nmeans (arithmetic, over points):\n" + means.rendered)
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
