import Einsim
import EinsimCLI
import Foundation
import Testing

/// Sweeps at engine speed: any profile parameter by path, numbers in SI units, deterministic
/// parallel output, sweep files, resume, shards and merge.
@Suite struct SweepEngineTests {
    static let decode = ["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "16384", "--kernel", "fa2"]

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "einsim-sweep-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func contents(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func rangesWithUnitsAreNumbersInSIUnits() throws {
        let p = try SweepParameter.parse("hbm.bandwidth=1TB/s:8TB/s:x2")
        #expect(p.values == ["1TB/s", "2TB/s", "4TB/s", "8TB/s"])
        #expect(p.numbers == [1e12, 2e12, 4e12, 8e12])
        #expect(p.header == "hbm.bandwidth [B/s]")
        let clock = try SweepParameter.parse("clock=1.2GHz,1.98GHz")
        #expect(clock.numbers == [1.2e9, 1.98e9] && clock.header == "clock [Hz]")
        let density = try SweepParameter.parse("variant.density=0.1:0.9:+0.2")
        #expect(density.values == ["0.1", "0.3", "0.5", "0.7", "0.9"] && density.kind == .variant)
        #expect(try SweepParameter.parse("l2.capacity=25MiB:100MiB:x2").numbers == [25 * 1048576, 50 * 1048576, 100 * 1048576])
        #expect(try SweepParameter.parse("dram.tRCD=10:14:+2").numbers == [10, 12, 14])
    }

    @Test func profilePathsSetTheProfileInMemory() throws {
        let h100 = try ProfileResolver.load("nvidia-h100-sxm")
        let hbm = try #require(h100.memory(named: "hbm"))
        let wider = try SweepParameter.apply("hbm.bandwidth", "8TB/s", to: h100)
        #expect(abs((wider.memory(named: "hbm")?.aggregateBandwidth ?? 0) - 8e12) < 1 && hbm.aggregateBandwidth != 8e12)
        #expect(try SweepParameter.apply("tensor-core.count", "66", to: h100).unit(named: "tensor-core")?.count == 66)
        let faster = try SweepParameter.apply("tensor-core.throughput", "2048", to: h100).unit(named: "tensor-core")
        #expect(faster?.throughput.first?.opsPerCycle == 2048)
        #expect(try SweepParameter.apply("power.limit", "350W", to: h100).power.limitWatts == 350)
        #expect(try SweepParameter.apply("cuda-core.energy", "2pJ", to: h100).unit(named: "cuda-core")?.energy.first?.joules == 2e-12)
        let fusemax = try ProfileResolver.load("fusemax")
        #expect(try SweepParameter.apply("pe-2d.rows", "128", to: fusemax).unit(named: "pe-2d")?.rows == 128)
        let neupims = try ProfileResolver.load("neupims")
        #expect(try SweepParameter.apply("dram.tRCD", "20", to: neupims).dram?.timing.tRCD == 20)
        #expect(try SweepParameter.apply("parameter.fa2.combine-step", "0.3us", to: h100).parameter("fa2.combine-step") == 0.3e-6)
    }

    @Test(arguments: [
        ("hbm.bandwith=1TB/s", "did you mean 'hbm.bandwidth'?"),
        ("hbn.bandwidth=1TB/s", "did you mean 'hbm.bandwidth'?"),
        ("tensor-cor.count=66", "did you mean 'tensor-core.count'?"),
        ("clock=2GB/s", "with its unit"),
        ("variant.densty=0.1,0.2", "did you mean 'density'?"),
        ("mapping=fa4", "did you mean 'fa2'?"),
        ("bach=1,2", "did you mean 'batch'?"),
        ("dram.tRCDD=10", "did you mean 'tRCD'?"),
    ])
    func badParametersNameTheFlagAndSuggest(spec: String, suggestion: String) {
        let r = EinsimCommand.capture(arguments: Self.decode + ["--variant", "block-sparse:density=0.5", "--sweep", spec])
        #expect(r.status == 2, "\(spec): \(r.error)")
        #expect(r.error.contains("--sweep") && r.error.contains(suggestion), "\(spec): \(r.error)")
    }

    @Test func csvHasNumbersAndTheOutputIsTheSameForAnyThreadCount() {
        let args = Self.decode + ["--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2", "--sweep", "tensor-core.count=66,132", "--sweep", "batch=1:64:+1", "--format", "csv"]
        let one = CLI.run(args + ["--threads", "1"]), two = CLI.run(args + ["--threads", "2"]), four = CLI.run(args + ["--threads", "4"])
        #expect(one.status == 0 && one.output == two.output && one.output == four.output)
        let lines = one.output.split(separator: "\n")
        #expect(lines.count == 1 + 4 * 2 * 64)
        #expect(lines[0].hasPrefix("hbm.bandwidth [B/s],tensor-core.count,batch,hardware,"))
        #expect(lines[1].hasPrefix("1000000000000,66,1,nvidia-h100-sxm,") && lines.last?.hasPrefix("8000000000000,132,64,") == true)
    }

    @Test func variantAndMappingParametersSweep() throws {
        let r = CLI.run(["sweep", "--model", "llama-3-8b", "--phase", "prefill", "--seq", "16384", "--variant", "block-sparse:density=0.5,block=128",
                         "--sweep", "variant.density=0.2,0.8", "--sweep", "mapping=flex,fa3", "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["kernel"] as? String } == ["flex", "fa3", "flex", "fa3"])
        #expect(results.map { $0["variant"] as? String } == ["block-sparse:density=0.2,block=128", "block-sparse:density=0.2,block=128",
                                                             "block-sparse:density=0.8,block=128", "block-sparse:density=0.8,block=128"])
        let latency = results.compactMap { $0["latency_s"] as? Double }
        #expect(latency[0] < latency[2] && latency[1] < latency[3])
        #expect((results[0]["sweep"] as? [String: Any])?["variant.density"] as? Double == 0.2)
    }

    @Test func sweepFilesAreValidatedAndRun() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let file = root + "/Examples/sweeps/h100-decode-bandwidth.xml"
        let r = CLI.run(["sweep", file, "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.output.split(separator: "\n").count == 1 + 4 * 2 * 9)
        #expect(r.output.hasPrefix("hbm.bandwidth [B/s],processors,batch,"))
        let dir = try Self.temporaryDirectory()
        let text = Self.contents(file)
        for (bad, expected) in [("<parameter name=\"batch\"", "<paramter name=\"batch\""), ("name=\"hbm.bandwidth\"", "name=\"hbm.bandwith\"")] {
            let path = dir + "/bad.xml"
            try text.replacingOccurrences(of: bad, with: expected).write(toFile: path, atomically: true, encoding: .utf8)
            let e = EinsimCommand.capture(arguments: ["sweep", path])
            #expect(e.status == 2 && e.error.contains("bad.xml:") && e.error.contains("did you mean"), "\(e.error)")
        }
    }

    @Test func resumeAfterAKillAtAnyByteEqualsTheUninterruptedRun() throws {
        let dir = try Self.temporaryDirectory()
        for format in ["csv", "jsonl"] {
            let args = Self.decode + ["--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2", "--sweep", "batch=1:40:+1", "--format", format]
            let full = dir + "/full.\(format)"
            #expect(CLI.run(args + ["--output", full]).status == 0)
            let bytes = try #require(FileManager.default.contents(atPath: full))
            // A kill leaves a prefix of the file: cut it anywhere, in a row or between rows.
            for cut in [0, 40, bytes.count / 7, bytes.count / 3, bytes.count / 2 + 17, bytes.count - 1, bytes.count] {
                let partial = dir + "/partial.\(format)"
                try bytes.prefix(cut).write(to: URL(fileURLWithPath: partial))
                #expect(CLI.run(args + ["--output", partial, "--resume"]).status == 0)
                #expect(FileManager.default.contents(atPath: partial) == bytes, "\(format) cut at \(cut)")
            }
            // Another sweep's file is not resumed.
            let other = EinsimCommand.capture(arguments: Self.decode + ["--sweep", "batch=1,2", "--format", format, "--output", full, "--resume"])
            #expect(other.status == 2 && other.error.contains("another sweep"))
        }
    }

    @Test func fourShardsMergedEqualTheUnshardedSweep() throws {
        let dir = try Self.temporaryDirectory()
        let args = Self.decode + ["--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2", "--sweep", "batch=1:50:+1", "--format", "csv"]
        #expect(CLI.run(args + ["--output", dir + "/full.csv"]).status == 0)
        for k in 1...4 { #expect(CLI.run(args + ["--shard", "\(k)/4", "--output", dir + "/shard-\(k).csv"]).status == 0) }
        let shards = [3, 1, 4, 2].map { dir + "/shard-\($0).csv" }
        #expect(CLI.run(["merge"] + shards + ["--output", dir + "/merged.csv"]).status == 0)
        #expect(FileManager.default.contents(atPath: dir + "/merged.csv") == FileManager.default.contents(atPath: dir + "/full.csv"))
        // Stdout of a shard is the same file.
        #expect(CLI.run(args + ["--shard", "2/4"]).output == Self.contents(dir + "/shard-2.csv"))

        let missing = EinsimCommand.capture(arguments: ["merge"] + Array(shards.prefix(3)))
        #expect(missing.status == 2 && missing.error.contains("missing shard 2/4"))
        let repeated = EinsimCommand.capture(arguments: ["merge"] + shards + [shards[0]])
        #expect(repeated.status == 2 && repeated.error.contains("more than once"))
        #expect(CLI.run(Self.decode + ["--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2", "--sweep", "batch=1:51:+1", "--format", "csv",
                                       "--shard", "1/4", "--output", dir + "/other.csv"]).status == 0)
        let foreign = EinsimCommand.capture(arguments: ["merge", dir + "/other.csv"] + Array(shards.dropFirst()))
        #expect(foreign.status == 2 && foreign.error.contains("another sweep"))
        let cut = Self.contents(dir + "/shard-2.csv").dropLast(30)
        try String(cut).write(toFile: dir + "/shard-2.csv", atomically: true, encoding: .utf8)
        let incomplete = EinsimCommand.capture(arguments: ["merge"] + shards)
        #expect(incomplete.status == 2 && incomplete.error.contains("incomplete row") && incomplete.error.contains("--resume"))
    }

    @Test func libraryRunsPointsInGridOrderOnAnyThreadCount() throws {
        var base = SweepBase()
        base.model = "llama-3-8b"; base.phase = "decode"; base.seq = 8192; base.mapping = "fa2"
        let parameters = [try SweepParameter.parse("clock=1GHz:2GHz:+0.25GHz"), try SweepParameter.parse("batch=1:32:x2")]
        let sweep = try AttentionSweep(base: base, parameters: parameters)
        #expect(sweep.count == 5 * 6)
        let render: @Sendable (Int) -> String = { i in
            (try? SweepOutput.lines(.csv, point: i, parameters: parameters, coordinates: sweep.coordinates(of: i), records: sweep.evaluate(i))) ?? "error"
        }
        let serial = SweepExecution.map(0..<sweep.count, threads: 1, render)
        #expect(SweepExecution.map(0..<sweep.count, threads: 3, render) == serial)
        #expect(serial[7].hasPrefix("7,1250000000,2,") && !serial.contains("error"))
    }
}

/// The guards: too many points, or an estimated time past --max-hours, is refused before a row
/// is written; --force runs it.
@Test func sweepGuardsRefuseBeforeRunning() {
    let args = SweepEngineTests.decode + ["--sweep", "batch=1:300:+1", "--format", "csv"]
    let long = EinsimCommand.capture(arguments: args + ["--max-hours", "1e-9"])
    #expect(long.status == 2 && long.error.contains("would take about") && long.error.contains("--shard") && long.output.isEmpty, "\(long.error)")
    #expect(CLI.run(args + ["--max-hours", "1e-9", "--force"]).status == 0)
    let many = EinsimCommand.capture(arguments: args + ["--max-points", "100"])
    #expect(many.status == 2 && many.error.contains("more than 100 points"))
}

/// A real kill: the `einsim` executable is killed (SIGKILL) or stopped (SIGTERM, Ctrl-C) midway through
/// writing --output; --resume then yields exactly the file of an uninterrupted run.
@Test func killedSweepResumesToTheUninterruptedFile() throws {
    let products = Bundle.main.bundleURL.deletingLastPathComponent()
    let candidates = [products.appendingPathComponent("einsim").path, Bundle.main.bundleURL.appendingPathComponent("einsim").path]
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
    let dir = try SweepEngineTests.temporaryDirectory()
    let args = SweepEngineTests.decode + ["--sweep", "clock=1GHz:2GHz:+0.1GHz", "--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2", "--sweep", "batch=1:200:+1", "--format", "csv", "--force"]
    let full = dir + "/full.csv"
    #expect(CLI.run(args + ["--output", full]).status == 0)
    for signal in [SIGKILL, SIGTERM, SIGINT] {
        let partial = dir + "/killed-\(signal).csv"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args + ["--output", partial]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill once some rows are out (or give up waiting after 5 s: then the kill comes at the end).
        let began = Date()
        while process.isRunning, Date().timeIntervalSince(began) < 5,
              ((try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0) < 20_000 {
            usleep(2_000)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let written = FileManager.default.contents(atPath: partial)?.count ?? 0
        #expect(written < (FileManager.default.contents(atPath: full)?.count ?? 0), "the kill came before the end")
        if signal != SIGKILL, process.terminationReason == .exit {
            #expect([0, 130, 143].contains(process.terminationStatus))
            #expect(SweepEngineTests.contents(partial).hasSuffix("\n"), "signal \(signal) leaves complete rows")
        }
        #expect(CLI.run(args + ["--output", partial, "--resume"]).status == 0)
        #expect(FileManager.default.contents(atPath: partial) == FileManager.default.contents(atPath: full), "signal \(signal)")
    }
}
