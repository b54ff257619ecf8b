import ArgumentParser
import Dispatch
import Einsim

/// `einsim sweep`: the simulate options at every point of a design-space grid.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Design-space sweeps over workload and profile parameters.",
        discussion: """
        --sweep NAME=VALUES, repeatable (the grid is their product). Workload: seq, batch, heads, kv-heads, \
        q-len, kv-len, head-dim. Profile: clock, processors, power.limit, power.idle, launch-overhead, \
        LEVEL.bandwidth, LEVEL.capacity (e.g. hbm.bandwidth). VALUES: 1024,4096 | 1024:65536:x2 | 64:256:+64 | \
        2TB/s,3.35TB/s,4.8TB/s.
        """)
    @OptionGroup var options: WorkloadOptions
    @Option(name: .customLong("sweep"), help: "NAME=VALUES; repeatable.") var sweeps: [String] = []

    func run() throws {
        guard !sweeps.isEmpty else {
            throw SimpleInputError("give at least one --sweep NAME=VALUES", suggestion: "e.g. --sweep seq=1024:65536:x2")
        }
        let parameters = try sweeps.map { text in
            do { return try SweepParameter.parse(text) }
            catch let error as InputError where !error.message.hasPrefix("--sweep") {
                let excerpt = text.count > 60 ? String(text.prefix(60)) + "…" : text
                throw SimpleInputError("--sweep \(excerpt): \(error.message.prefix(240))", suggestion: error.suggestion)
            }
        }
        let points = try SweepParameter.combinations(parameters)
        // Points run in parallel on all cores; results are gathered in grid order, so the output
        // is the same for any number of threads.
        let base = try options.resolved()
        let outcomes = ParallelPoints.map(points) { point -> Result<[ResultRecord], Error> in
            Result {
                var o = base
                var profileEdits: [(String, String)] = []
                for (name, value) in point {
                    guard SweepParameter.workloadNames.contains(name) else { profileEdits.append((name, value)); continue }
                    guard let n = Int(value), n > 0 else { throw SimpleInputError("--sweep \(name)=\(value): expected a positive integer") }
                    switch name {
                    case "seq": o.seq = n
                    case "batch": o.batch = n
                    case "heads": o.heads = n
                    case "kv-heads": o.kvHeads = n
                    case "q-len": o.qLen = n
                    case "kv-len": o.kvLen = n
                    default: o.headDim = n
                    }
                }
                return try o.run { profile in
                    try profileEdits.reduce(profile) { try SweepParameter.apply($1.0, $1.1, to: $0) }
                }
            }
        }
        var rows: [(point: [(name: String, value: String)], record: ResultRecord)] = []
        for (point, outcome) in zip(points, outcomes) {
            rows += try outcome.get().map { (point, $0) }
        }
        let names = parameters.map(\.name)
        switch options.format {
        case .json:
            let results: [JSONValue] = rows.map { row in
                guard case var .object(o) = row.record.json else { return row.record.json }
                o["sweep"] = .object(Dictionary(uniqueKeysWithValues: row.point.map { ($0.name, JSONValue.string($0.value)) }))
                return .object(o)
            }
            emit(JSONValue.object(["results": .array(results)]).jsonText)
        case .csv:
            let body = ResultRendering.csv(rows.map(\.record)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var lines = [(names + [body.first ?? ""]).joined(separator: ",")]
            for (i, row) in rows.enumerated() where i + 1 < body.count {
                lines.append((row.point.map(\.value) + [body[i + 1]]).joined(separator: ","))
            }
            emit(lines.joined(separator: "\n"))
        case .table, .markdown:
            var table = TextTable(headers: names + ["hardware", "variant", "kernel", "latency", "TFLOP/s", "energy", "bound"])
            for row in rows {
                let r = row.record.result
                table.add(row.point.map(\.value) + [r.hardware, row.record.variant, r.kernel, Format.seconds(r.latencySeconds),
                                                    Format.fixed(r.achievedFLOPS / 1e12, 1), Format.joules(r.energyJoules), r.bound])
            }
            emit(table.rendered)
        }
    }
}

/// Runs a function over items on all cores and returns the results in the items' order.
enum ParallelPoints {
    static func map<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(body) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: items.count) { i in slots[i] = body(items[i]) }
        return results.map { $0! }
    }
}
