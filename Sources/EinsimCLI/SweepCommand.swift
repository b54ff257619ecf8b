import ArgumentParser
import Dispatch
import Einsim
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `einsim sweep`: the simulate options at every point of a design-space grid.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Design-space sweeps over workload, variant, mapping and profile parameters.",
        discussion: """
        einsim sweep [SWEEP.xml | EXPERIMENT.xml] [simulate options] --sweep NAME=VALUES … \
        [--format csv|jsonl|json|table] [--output PATH [--resume]] [--shard K/N]

        --sweep NAME=VALUES, repeatable (the grid is their product, the first outermost). NAME: \
        workload (seq, batch, heads, kv-heads, q-len, kv-len, head-dim); mapping (mapping=fa2,fa3); \
        variant.KEY (variant.density=0.1:0.9:+0.2 sets density in every --variant that has it); or a \
        profile path: clock, processors, power.limit, power.idle, launch-overhead, \
        LEVEL.{bandwidth,capacity,instances,banks,latency,achieved,read-energy,write-energy,energy} \
        (hbm.bandwidth, l2.capacity), UNIT.{count,rows,columns,width,throughput[.PRECISION],energy[.PRECISION],achieved} \
        (tensor-core.count, pe-2d.rows), dram.TIMING (dram.tRCD), dram.channels, dram.tCK, parameter.NAME. \
        VALUES: 1024,4096 | 1024:65536:x2 | 64:256:+64 | 1TB/s:8TB/s:x2 | 1.2GHz,1.98GHz. \
        Swept quantities are written as numbers in SI base units, the unit in the column header \
        (hbm.bandwidth [B/s]); rows written with --output or --shard start with their point's index.
        """)
    @OptionGroup var options: WorkloadOptions
    @Option(name: .customLong("sweep"), help: "NAME=VALUES; repeatable.") var sweeps: [String] = []
    @Option(help: "Write the rows to PATH (csv or jsonl), complete rows only, with a first line naming the sweep's digest and points.")
    var output: String?
    @Flag(help: "Continue the sweep in --output where it stopped (no point repeated or lost).") var resume = false
    @Option(help: "Run shard K of N: a deterministic 1/N slice of the points (combine the outputs with 'einsim merge').")
    var shard: String?
    @Option(name: .customLong("max-points"), help: "Most points the sweep may have (default 1000000).") var maxPoints: Int = SweepParameter.maximumPoints
    @Option(name: .customLong("max-hours"), help: "Refuse a sweep estimated to take longer than this on this machine (default 1), unless --force.")
    var maxHours: Double = 1
    @Flag(help: "Run even when the sweep is estimated to take longer than --max-hours.") var force = false
    @Option(help: "Threads that evaluate points (default: every core, or EINSIM_THREADS).") var threads: Int?

    func run() throws {
        var options = self.options
        var written: [(SweepParameter, String)] = []
        if let path = options.experiment, SweepFile.isSweepFile(path) {
            let file = try SweepFile.load(path: path)
            options.experiment = nil
            try file.apply(to: &options)
            written += file.parameters.map { ($0.parameter, "\($0.location.description): <parameter name=\"\($0.parameter.name.prefix(60))\">") }
        }
        for text in sweeps {
            do { written.append((try SweepParameter.parse(text), "--sweep \(text.prefix(60))")) }
            catch let error as InputError where !error.message.hasPrefix("--sweep") {
                let excerpt = text.count > 60 ? String(text.prefix(60)) + "…" : text
                // "sweep NAME=VALUE: …" already names the value: written as the flag.
                let message = error.message.hasPrefix("sweep ") ? "--" + error.message.prefix(300) : "--sweep \(excerpt): \(error.message.prefix(240))"
                throw SimpleInputError(message, suggestion: error.suggestion)
            }
        }
        guard !written.isEmpty else {
            throw SimpleInputError("give at least one --sweep NAME=VALUES (or a sweep file)", suggestion: "e.g. --sweep seq=1024:65536:x2, or einsim sweep Examples/sweeps/h100-bandwidth.xml")
        }
        guard maxPoints >= 1 else { throw SimpleInputError("--max-points must be at least 1") }
        guard maxHours > 0, maxHours.isFinite else { throw SimpleInputError("--max-hours must be a positive number of hours") }
        if let threads, !(1...256).contains(threads) { throw SimpleInputError("--threads must be in 1…256", suggestion: "e.g. --threads 2") }
        if resume, output == nil { throw SimpleInputError("--resume continues the file of --output", suggestion: "add --output PATH (the file of the interrupted run)") }
        let parameters = written.map(\.0)
        let locations = Dictionary(written.map { ($0.0.name, $0.1) }, uniquingKeysWith: { a, _ in a })
        let resolved = try options.resolved()
        let base = try resolved.sweepBase()
        let plan = try AttentionSweep(base: base, parameters: parameters, maximumPoints: maxPoints, attention: resolved.sweepsAttention) {
            locations[$0.name] ?? "--sweep \($0.name)"
        }
        let threadCount = threads ?? SweepExecution.defaultThreads
        let evaluate = evaluator(resolved, plan: plan)

        // The format: csv and jsonl stream; json, table and markdown print when every point ran.
        let streaming: SweepOutput.Format?
        switch options.format {
        case .csv: streaming = .csv
        case .jsonl: streaming = .jsonl
        default: streaming = nil
        }
        if output != nil || shard != nil, streaming == nil {
            throw SimpleInputError("--format \(options.format.rawValue) with \(output != nil ? "--output" : "--shard"): sweep files are written as csv or jsonl",
                                   suggestion: "add --format csv or --format jsonl")
        }
        var range = 0..<plan.count
        var shardK = 1, shardN = 1
        if let shard {
            (shardK, shardN) = try SweepOutput.parseShard(shard)
            range = SweepOutput.shardRange(shardK, of: shardN, total: plan.count)
        }
        try guardTime(range, threads: threadCount, evaluate: evaluate)

        guard let format = streaming else {
            try printWhole(plan: plan, range: range, threads: threadCount, evaluate: evaluate, format: options.format)
            return
        }
        let metadata = SweepOutput.Metadata(digest: SweepOutput.digest(base: base, parameters: parameters, format: format), format: format,
                                            shard: shardK, shards: shardN, points: range, total: plan.count)
        let withPoint = output != nil || shard != nil
        let header = format == .csv ? SweepOutput.csvHeader(parameters, withPoint: withPoint) + "\n" : ""
        var writer = try SweepWriter(path: output, metadata: withPoint ? metadata : nil, header: header, resume: resume)
        let start = writer.resumePoint ?? range.lowerBound
        var progress = SweepProgress(total: range.count, done: start - range.lowerBound)
        var blockSize = max(4, threadCount * 2)
        var next = start
        if output != nil { SweepStop.install() }
        while next < range.upperBound {
            if SweepStop.requested {
                try writer.close()
                progress.finish()
                writeStandardError("sweep stopped (SIGTERM) after point \(next - 1): \(output ?? "") holds complete rows; continue with --resume\n")
                throw ExitCode(143)
            }
            let end = min(range.upperBound, next + blockSize)
            let began = Date()
            let outcomes = SweepExecution.map(next..<end, threads: threadCount) { i in
                Result { SweepOutput.lines(format, point: i, parameters: parameters, coordinates: plan.coordinates(of: i), records: try evaluate(i), withPoint: withPoint) }
            }
            // The block's rows up to the first failing point (whose error ends the sweep).
            let failed = outcomes.firstIndex { if case .failure = $0 { return true } else { return false } }
            let text = outcomes[..<(failed ?? outcomes.count)].map { (try? $0.get()) ?? "" }.joined()
            var failure: Error?
            if let failed, case let .failure(error) = outcomes[failed] { failure = located(error, point: next + failed, plan: plan) }
            try writer.write(text)
            if let failure { progress.finish(); throw failure }
            progress.advance(end - next)
            // Blocks grow while they take under a quarter second, so progress stays live.
            if Date().timeIntervalSince(began) < 0.25 { blockSize = min(blockSize * 2, 8192) }
            next = end
        }
        progress.finish()
        try writer.close()
    }

    /// The point evaluator: the prepared sweep for attention calls, the simulate path per point
    /// for end-to-end and serving scopes and studies.
    func evaluator(_ options: WorkloadOptions, plan: AttentionSweep) -> @Sendable (Int) throws -> [ResultRecord] {
        if options.sweepsAttention {
            let search = SpatialSearch.Options(mode: options.search, objective: options.objective ?? .latency, seed: options.seed,
                                               samples: options.samples, timeLimit: options.timeLimit, progress: nil)
            return { i in try plan.evaluate(i, search: search) }
        }
        let parameters = plan.parameters
        return { i in
            let c = plan.coordinates(of: i)
            var o = options
            var edits: [(String, Double)] = []
            for (axis, p) in parameters.enumerated() {
                let value = p.values[c[axis]], number = p.numbers[c[axis]]
                switch p.kind {
                case .profile: edits.append((p.name, number ?? 0))
                case .mapping: o.mappingName = value
                case .variant:
                    let key = String(p.name.dropFirst("variant.".count))
                    o.variants = (o.variants.isEmpty ? ["dense"] : o.variants).map { AttentionSweep.setting(key, to: value, in: $0) }
                case .workload:
                    o.set(workloadAxis: p.name, to: Int(number ?? 1))
                }
            }
            return try o.run { profile in try edits.reduce(profile) { try ProfileParameterPath.apply($1.0, $1.1, to: $0) } }
        }
    }

    /// `error` with the point it happened at.
    func located(_ error: Error, point: Int, plan: AttentionSweep) -> Error {
        plan.located(error, point: point)
    }

    /// Refuses a sweep estimated to take longer than `--max-hours` (unless `--force`): a few
    /// points spread over the range are timed first.
    func guardTime(_ range: Range<Int>, threads: Int, evaluate: @Sendable (Int) throws -> [ResultRecord]) throws {
        guard !force, range.count > 256 else { return }
        let probes = min(16, range.count)
        let began = Date()
        var timed = 0
        for k in 0..<probes {
            _ = try? evaluate(range.lowerBound + (range.count - 1) * k / max(1, probes - 1))
            timed += 1
            if Date().timeIntervalSince(began) > 2 { break }
        }
        let perPoint = Date().timeIntervalSince(began) / Double(max(1, timed))
        let estimate = perPoint * Double(range.count) / Double(max(1, min(threads, ProcessInfo.processInfo.activeProcessorCount)))
        guard estimate > maxHours * 3600 else { return }
        throw SimpleInputError("the sweep would take about \(Format.fixed(estimate / 3600, 1)) h: \(range.count) points at about \(Format.seconds(perPoint)) each on \(threads) threads (more than --max-hours \(SweepParameter.format(maxHours)))",
                               suggestion: "narrow the ranges, split it over machines with --shard K/N (Examples/cluster/), or add --force to run it anyway")
    }

    /// json, table and markdown: every point, then one document.
    func printWhole(plan: AttentionSweep, range: Range<Int>, threads: Int, evaluate: @escaping @Sendable (Int) throws -> [ResultRecord],
                    format: OutputFormat) throws {
        var progress = SweepProgress(total: range.count, done: 0)
        var rows: [(point: Int, record: ResultRecord)] = []
        try SweepExecution.run(range, threads: threads, block: 1024, body: { i in Result { try evaluate(i) } }) { block, outcomes in
            for (i, outcome) in zip(block, outcomes) {
                do { rows += try outcome.get().map { (i, $0) } } catch { progress.finish(); throw located(error, point: i, plan: plan) }
            }
            progress.advance(block.count)
            return true
        }
        progress.finish()
        let parameters = plan.parameters
        switch format {
        case .table, .markdown:
            var table = TextTable(headers: ["point"] + parameters.map(\.name) + ["hardware", "variant", "kernel", "latency", "TFLOP/s", "energy", "bound"])
            for row in rows {
                let r = row.record.result
                let c = plan.coordinates(of: row.point)
                table.add([String(row.point)] + parameters.indices.map { parameters[$0].values[c[$0]] }
                          + [r.hardware, row.record.variant, r.kernel, Format.seconds(r.latencySeconds),
                             Format.fixed(r.achievedFLOPS / 1e12, 1), Format.joules(r.energyJoules), r.bound])
            }
            emit(table.rendered)
        default:
            let results: [JSONValue] = rows.map { row in
                guard case var .object(o) = row.record.json else { return row.record.json }
                o["point"] = .number(Double(row.point))
                o["sweep"] = SweepOutput.sweepObject(parameters, plan.coordinates(of: row.point))
                return .object(o)
            }
            emit(JSONValue.object(["results": .array(results)]).jsonText)
        }
    }
}

extension SweepFile {
    /// Fills `options` with the file's values where no flag was given.
    func apply(to o: inout WorkloadOptions) throws {
        if o.hardware.isEmpty { o.hardware = hardware }
        if o.variants.isEmpty { o.variants = variants; o.variantLocations = variantLocations }
        func integer(_ key: String) throws -> Int? {
            guard let text = workload[key] else { return nil }
            guard let n = Int(text), n > 0, n <= 1 << 40 else {
                throw SimpleInputError("<workload \(key)=\"\(text.prefix(40))\">: expected a positive integer ≤ 2^40", at: workloadLocation)
            }
            return n
        }
        if o.model == nil { o.model = workload["model"] }
        if o.phase == nil { o.phase = workload["phase"] }
        if o.seq == nil { o.seq = try integer("seq") }
        if o.batch == nil { o.batch = try integer("batch") }
        if o.heads == nil { o.heads = try integer("heads") }
        if o.kvHeads == nil { o.kvHeads = try integer("kv-heads") }
        if o.qLen == nil { o.qLen = try integer("q-len") }
        if o.kvLen == nil { o.kvLen = try integer("kv-len") }
        if o.headDim == nil { o.headDim = try integer("head-dim") }
        if !o.causal, let c = workload["causal"] { o.causal = c == "true" || c == "1" }
        if o.algorithm == nil { o.algorithm = algorithm }
        if o.mappingName == nil { o.mappingName = mapping }
        if o.engine == nil { o.engine = engine }
        if o.objective == nil, let objective { o.objective = Objective(rawValue: objective) }
        // The file's format unless --format is given (the option's default cannot tell).
        let flagged = CommandLine.arguments.contains { $0 == "--format" || $0.hasPrefix("--format=") }
        if let format, !flagged, let f = OutputFormat(rawValue: format) { o.format = f }
    }
}

extension WorkloadOptions {
    /// Whether the sweep's points are single attention calls (run by the prepared sweep); other
    /// scopes and flags run each point through `simulate`'s path.
    var sweepsAttention: Bool {
        scope == .attention && trace == nil && steps == nil && dataset == nil && tensorParallel == nil && pipelineParallel == nil
    }

    /// The fixed part of a sweep from these (resolved) options.
    func sweepBase() throws -> SweepBase {
        var b = SweepBase()
        b.hardware = hardware.isEmpty ? ["nvidia-h100-sxm"] : hardware
        b.model = model; b.phase = phase; b.seq = seq; b.batch = batch; b.heads = heads; b.kvHeads = kvHeads
        b.qLen = qLen; b.kvLen = kvLen; b.headDim = headDim; b.causal = causal
        b.algorithm = algorithm ?? "1pass"
        b.variants = try variantSpecs().map(\.text)
        b.mapping = mappingName == "auto" ? nil : mappingName
        b.objective = objective ?? .latency
        b.engine = try resolvedEngine() == .cycle ? .cycle : .roofline
        try validateEngine()
        return b
    }
}

/// A progress line on standard error while a sweep runs on a terminal: points, rate and ETA
/// (quiet when standard error is not a terminal, or the output is captured).
struct SweepProgress {
    let total: Int
    var done: Int
    let start = Date()
    let startDone: Int
    let enabled: Bool
    var lastDraw = Date.distantPast

    init(total: Int, done: Int) {
        self.total = total; self.done = done; self.startDone = done
        enabled = isatty(2) != 0 && OutputSink.current == nil && total > 1
    }

    mutating func advance(_ n: Int) {
        done += n
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = Date()
        let elapsed = max(1e-9, Date().timeIntervalSince(start))
        let rate = Double(done - startDone) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rateText = rate >= 1000 ? "\(Format.fixed(rate / 1000, 1))k" : Format.fixed(rate, 1)
        writeStandardError("\rsweep [\(bar)] \(done)/\(total) points  \(rateText) points/s  ETA \(Self.clock(eta))   ")
    }

    func finish() {
        if enabled { writeStandardError("\n") }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Writes sweep rows to standard output or a file, a block of whole rows per write; on resume,
/// cuts the file after its last complete point and says where to continue.
struct SweepWriter {
    private var handle: FileHandle?
    private let path: String?
    /// The first point still to run (nil: from the start of the range).
    private(set) var resumePoint: Int?

    init(path: String?, metadata: SweepOutput.Metadata?, header: String, resume: Bool) throws {
        self.path = path
        let preamble = (metadata?.line ?? "") + header
        guard let path else {
            if !preamble.isEmpty { emit(preamble, terminator: "") }
            return
        }
        let fm = FileManager.default
        // A file cut before its first rows (shorter than its preamble) starts over.
        let cutEarly = fm.contents(atPath: path).map { $0.count < preamble.utf8.count && preamble.utf8.starts(with: $0) } ?? true
        if resume, !cutEarly, let metadata {
            let (keep, next) = try Self.resumeOffset(path: path, metadata: metadata, preamble: preamble)
            let h = try Self.open(path)
            try h.truncate(atOffset: UInt64(keep))
            try h.seekToEnd()
            handle = h
            resumePoint = next
            return
        }
        guard fm.createFile(atPath: path, contents: Data(preamble.utf8)) else {
            throw SimpleInputError("--output \(path.prefix(200)): cannot create the file", suggestion: "give a path in a writable directory")
        }
        let h = try Self.open(path)
        try h.seekToEnd()
        handle = h
    }

    static func open(_ path: String) throws -> FileHandle {
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw SimpleInputError("--output \(path.prefix(200)): cannot open the file for writing", suggestion: "give a path in a writable directory")
        }
        return h
    }

    /// Where to cut an interrupted output (after its last complete point) and the point to
    /// continue from; the file must belong to this sweep (same digest, shard and header).
    static func resumeOffset(path: String, metadata: SweepOutput.Metadata, preamble: String) throws -> (Int, Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimpleInputError("--resume: cannot read \(path.prefix(200))")
        }
        let bytes = [UInt8](data)
        let pre = Array(preamble.utf8)
        guard bytes.count >= pre.count, Array(bytes[0..<pre.count]) == pre else {
            let firstLine = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
            let found = SweepOutput.Metadata.parse(firstLine)
            let why: String
            if let found {
                why = found.digest != metadata.digest ? "it belongs to another sweep (digest \(found.digest) ≠ \(metadata.digest): the sweep, a profile or the format changed)"
                    : found.shard != metadata.shard || found.shards != metadata.shards ? "it is shard \(found.shard)/\(found.shards), not \(metadata.shard)/\(metadata.shards)"
                    : "its header line differs from this sweep's"
            } else {
                why = "it does not start with a sweep's first line"
            }
            throw SimpleInputError("--resume \(path.prefix(200)): \(why)", suggestion: "resume with the same arguments and files, or drop --resume to start over")
        }
        // Complete lines after the preamble, each starting with its point index.
        var lines: [(start: Int, point: Int)] = []
        var lineStart = pre.count
        var i = pre.count
        while i < bytes.count {
            if bytes[i] == 10 {
                let line = bytes[lineStart..<i]
                guard let point = pointIndex(line, format: metadata.format) else {
                    throw SimpleInputError("--resume \(path.prefix(200)):\(lines.count + preamble.split(separator: "\n").count + 1): not a sweep row", suggestion: "drop --resume to start over")
                }
                lines.append((lineStart, point))
                lineStart = i + 1
            }
            i += 1
        }
        // The last point may have lost rows: cut it and run it again.
        guard let last = lines.last else { return (pre.count, metadata.points.lowerBound) }
        let cut = lines.first { $0.point == last.point }?.start ?? pre.count
        return (cut, last.point)
    }

    /// The point index a row starts with.
    static func pointIndex(_ line: ArraySlice<UInt8>, format: SweepOutput.Format) -> Int? {
        switch format {
        case .csv:
            return Int(String(decoding: line.prefix { $0 != 44 }, as: UTF8.self))
        case .jsonl:
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
            return object["point"] as? Int
        }
    }

    mutating func write(_ text: String) throws {
        guard !text.isEmpty else { return }
        guard let handle else { emit(text, terminator: ""); return }
        Self.installExitGuard()
        let data = Data(text.utf8)
        // Whole blocks: an exit from another thread (Ctrl-C) waits for the block being written.
        Self.writing.lock()
        defer { Self.writing.unlock() }
        do { try handle.write(contentsOf: data) } catch {
            throw SimpleInputError("--output \((path ?? "").prefix(200)): cannot write (\(error.localizedDescription))")
        }
    }

    /// Held while a block of rows is written to `--output`.
    static let writing = NSLock()
    nonisolated(unsafe) private static var exitGuardInstalled = false

    /// Makes `exit` (Ctrl-C ends the process from the signal's thread) wait until the block of
    /// rows being written is complete, and write no more: the file then holds complete rows only.
    static func installExitGuard() {
        guard !exitGuardInstalled else { return }
        exitGuardInstalled = true
        atexit { SweepWriter.writing.lock() }
    }

    mutating func close() throws {
        try handle?.close()
        handle = nil
    }
}

/// SIGTERM (what Slurm and Kubernetes send before they kill a task) while a sweep writes
/// `--output`: the block being written is finished, then the sweep stops with exit status 143.
enum SweepStop {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var flag = false
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static var requested: Bool { lock.lock(); defer { lock.unlock() }; return flag }

    static func install() {
        lock.lock(); defer { lock.unlock() }
        guard source == nil else { return }
        signal(SIGTERM, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        s.setEventHandler {
            lock.lock(); flag = true; lock.unlock()
        }
        s.resume()
        source = s
    }
}
