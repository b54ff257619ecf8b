import Einsim
import EinsimCLI
import Foundation
import Testing

/// The library API: sweeps built in code, streamed as an AsyncSequence, profile overrides.
@Suite struct LibraryAPITests {
    static func decodeSweep(_ parameters: [SweepParameter]) throws -> AttentionSweep {
        try AttentionSweep(base: SweepBase(hardware: ["nvidia-h100-sxm"], model: "llama-3-8b", phase: "decode", seq: 16384, mapping: "fa2"),
                           parameters: parameters)
    }

    static func collect(_ results: SweepResults) async throws -> [SweepPoint] {
        var points: [SweepPoint] = []
        for try await point in results { points.append(point) }
        return points
    }

    @Test func theStreamHasTheBatchSweepsRowsInOrder() async throws {
        let parameters = [try SweepParameter("hbm.bandwidth", range: "1TB/s:8TB/s:x2"), try SweepParameter("batch", ["1", "4", "16", "64", "256"]),
                          try SweepParameter("mapping", ["fa2", "fa3"])]
        let sweep = try Self.decodeSweep(parameters)
        #expect(sweep.count == 40)
        let cli = CLI.run(["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "16384", "--sweep", "hbm.bandwidth=1TB/s:8TB/s:x2",
                           "--sweep", "batch=1,4,16,64,256", "--sweep", "mapping=fa2,fa3", "--format", "csv"])
        #expect(cli.status == 0)
        let header = SweepOutput.csvHeader(parameters, withPoint: false) + "\n"
        for (threads, block) in [(1, 1), (2, 3), (4, nil)] as [(Int, Int?)] {
            let points = try await Self.collect(sweep.results(threads: threads, blockSize: block))
            #expect(points.map(\.index) == Array(0..<40))
            #expect(header + points.map { $0.lines(.csv) }.joined() == cli.output)
        }
        let batch = try sweep.run(threads: 2)
        #expect(batch.map { $0.lines(.jsonl) } == (try await Self.collect(sweep.results(threads: 2))).map { $0.lines(.jsonl) })
        // A sub-range is the same rows.
        let middle = try await Self.collect(sweep.results(in: 7..<19, threads: 2, blockSize: 5))
        #expect(middle.map(\.index) == Array(7..<19) && middle.map { $0.lines(.csv) } == batch[7..<19].map { $0.lines(.csv) })
        #expect(middle.first?.value(of: "batch") == "64" && middle.first?.value(of: "mapping") == "fa3" && middle.first?.number(of: "hbm.bandwidth") == 1e12)
    }

    @Test func cancellingTheConsumerEndsTheStream() async throws {
        let sweep = try Self.decodeSweep([try SweepParameter("hbm.bandwidth", range: "1TB/s:10.9TB/s:+0.1TB/s"), try SweepParameter("batch", range: "1:200:+1")])
        let results = sweep.results(threads: 2, blockSize: 16)
        let (count, cancelled) = await Task {
            var n = 0
            do {
                for try await _ in results {
                    n += 1
                    if n == 5 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            } catch is CancellationError {
                return (n, true)
            } catch {
                return (n, false)
            }
            return (n, false)
        }.value
        // The block in hand is handed out; no other block starts.
        #expect(cancelled && count == 16)
    }

    @Test func cancellationStopsTheBlockInFlight() async throws {
        // Mapper-search points on FuseMax in one block of 441 (minutes of work), far longer than the wait.
        let base = SweepBase(hardware: ["fusemax"], batch: 1, heads: 12, qLen: 4096, headDim: 64)
        let sweep = try AttentionSweep(base: base, parameters: [try SweepParameter("global-buffer.capacity", range: "1MiB:64MiB:x2"),
                                                                 try SweepParameter("q-len", range: "1024:65536:x2"), try SweepParameter("batch", ["1", "2", "4"]),
                                                                 try SweepParameter("heads", ["8", "12", "16"])])
        let task = Task { try await Self.collect(sweep.results(threads: 2, blockSize: sweep.count)) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = ContinuousClock.now
        task.cancel()
        let outcome = await task.result
        let stopping = ContinuousClock.now - cancelledAt
        #expect(throws: CancellationError.self) { try outcome.get() }
        let single = ContinuousClock.now
        _ = try sweep.evaluate(sweep.count - 1)
        let onePoint = ContinuousClock.now - single
        // The points in flight finish (their searches stop early); no other starts. The whole
        // block would take about 220 points' time on two threads. Alone this stops in well under
        // a second; in a parallel `swift test` on 2 cores the awaiting task can wait a minute for
        // a cooperative thread (66 s seen in CI), hence the slack, far below the block's time.
        #expect(stopping < onePoint * 8 + .seconds(120), "stopping took \(stopping); one point \(onePoint)")
    }

    @Test func failuresEndTheStreamOrComeAsPoints() async throws {
        let sweep = try AttentionSweep(base: SweepBase(hardware: ["nvidia-h100-sxm"], heads: 32, qLen: 1024, headDim: 128, mapping: "fa2"),
                                       parameters: [try SweepParameter("kv-heads", ["8", "5", "4"])])
        await #expect(throws: (any Error).self) { _ = try await Self.collect(sweep.results(threads: 1)) }
        let points = try await Self.collect(sweep.results(threads: 1, stopOnError: false))
        #expect(points.count == 3 && points[1].error != nil && points[0].error == nil && points[2].records.count == 1)
        #expect("\(points[1].error.map { "\($0)" } ?? "")".contains("point 1 (kv-heads=5)"))
        #expect(throws: (any Error).self) { _ = try sweep.run() }
    }

    @Test func doublingHBMBandwidthRoughlyHalvesAMemoryBoundDecode() throws {
        // An H100 with half its HBM bandwidth and the power limit lifted (at full bandwidth a
        // large decode batch runs into the 700 W limit): decode stays bound by DRAM when the
        // bandwidth doubles, so its latency halves.
        let h100 = try ProfileResolver.load("nvidia-h100-sxm")
        let bandwidth = try #require(h100.memory(named: "hbm")?.aggregateBandwidth)
        let slow = try h100.setting("hbm.bandwidth", si: bandwidth / 2).setting("power.limit", to: "3000W")
        let doubled = try slow.setting("hbm.bandwidth", si: bandwidth)
        #expect(doubled.memory(named: "hbm")?.aggregateBandwidth == bandwidth && slow.power.limitWatts == 3000)
        let shape = try ModelPreset.named("llama-3-8b").attentionShape(phase: .decode, seq: 65536, batch: 16)
        let before = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: slow))
        let after = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: doubled))
        #expect(before.bound == "DRAM" && after.bound == "DRAM", "bounds: \(before.bound), \(after.bound)")
        let ratio = after.latencySeconds / before.latencySeconds
        #expect(ratio > 0.48 && ratio < 0.55, "latency ratio \(ratio): \(before.latencySeconds) s → \(after.latencySeconds) s")
        // The same override written with its unit, and through a sweep, gives the same results.
        let written = try slow.setting("hbm.bandwidth", to: SweepParameter.format(bandwidth) + "B/s")
        #expect(try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: written)).latencySeconds == after.latencySeconds)
        let base = SweepBase(hardware: ["nvidia-h100-sxm"], model: "llama-3-8b", phase: "decode", seq: 65536, batch: 16, mapping: "fa2")
        let swept = try AttentionSweep(base: base, parameters: [try SweepParameter("power.limit", ["3000W"]),
                                                                try SweepParameter("hbm.bandwidth", [SweepParameter.format(bandwidth / 2) + "B/s", SweepParameter.format(bandwidth) + "B/s"])])
        #expect(try swept.run().map { $0.records[0].result.latencySeconds } == [before.latencySeconds, after.latencySeconds])
        let unchanged = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: h100))
        #expect(try Experiment.run(base).map(\.result.latencySeconds) == [unchanged.latencySeconds])
    }

    @Test func overridesNameBadPathsWithASuggestion() throws {
        let fusemax = try ProfileResolver.load("fusemax")
        #expect(fusemax.parameterPaths.contains("pe-2d.rows") && fusemax.parameterPaths.contains("global-buffer.capacity"))
        #expect(try fusemax.setting("pe-2d.rows", to: "128").setting("pe-2d.columns", si: 64).unit(named: "pe-2d").map { [$0.rows, $0.columns] } == [128, 64])
        do {
            _ = try fusemax.setting("pe-2d.rws", to: "128")
            Issue.record("a bad path was accepted")
        } catch let error as InputError {
            #expect((error.suggestion ?? "").contains("pe-2d.rows"))
        }
    }
}

/// The Pareto front: properties on random sets with many ties and duplicates.
@Suite struct ParetoTests {
    struct Point: Equatable { var latency: Double; var energy: Double; var area: Double }

    static func randomSet(_ seed: UInt64, count: Int, levels: Int) -> [Point] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Point(latency: Double(Int.random(in: 0..<levels, using: &g)), energy: Double(Int.random(in: 0..<levels, using: &g)),
                  area: Double(Int.random(in: 0..<levels, using: &g)))
        }
    }

    @Test(arguments: Array(UInt64(1)...40))
    func noFrontPointIsDominatedAndEveryOtherPointIs(seed: UInt64) {
        let points = Self.randomSet(seed, count: Int(seed % 7) * 30 + 1, levels: Int(seed % 5) * 8 + 3)
        let front = Pareto.frontIndices(points, \.latency, \.energy)
        let values = points.map { [$0.latency, $0.energy] }
        let onFront = Set(front)
        #expect(onFront.count == front.count)
        for i in front { #expect(!values.contains { Pareto.dominates($0, values[i]) }) }
        for i in points.indices where !onFront.contains(i) {
            #expect(front.contains { Pareto.dominates(values[$0], values[i]) }, "point \(i) is off the front but no front point dominates it")
        }
        // Sorted by the first objective, and the item form matches the index form.
        #expect(front.map { points[$0].latency } == front.map { points[$0].latency }.sorted())
        #expect(Pareto.front(points, \.latency, \.energy) == front.map { points[$0] })
        // The general form agrees, for two and three objectives (against brute force).
        #expect(Pareto.frontIndices(points, objectives: [{ $0.latency }, { $0.energy }]) == front.sorted())
        let three = points.map { [$0.latency, $0.energy, $0.area] }
        let brute = three.indices.filter { i in !three.contains { Pareto.dominates($0, three[i]) } }
        #expect(Pareto.frontIndices(points, objectives: [\.latency, \.energy, \.area]) == brute)
    }

    @Test func duplicatesAndTiesAndNaN() {
        let p = [Point(latency: 1, energy: 5, area: 0), Point(latency: 1, energy: 5, area: 0), Point(latency: 1, energy: 6, area: 0),
                 Point(latency: 2, energy: 5, area: 0), Point(latency: 3, energy: 1, area: 0), Point(latency: .nan, energy: 0, area: 0),
                 Point(latency: 0, energy: .infinity, area: 0), Point(latency: 4, energy: 1, area: 0)]
        #expect(Pareto.frontIndices(p, \.latency, \.energy) == [6, 0, 1, 4])
        #expect(Pareto.frontIndices([Point](), \.latency, \.energy).isEmpty)
        #expect(Pareto.front([p[0]], \.latency, \.energy) == [p[0]])
    }
}
