import Einsim
import Foundation

/// einsim-bench: throughput of the hot paths, printed so regressions are visible.
///   swift run -c release einsim-bench          (everything)
///   swift run -c release einsim-bench sweep [THREADS…]   (the sweep lines only; given thread
///                                                       counts run once each, for profiling)
if CommandLine.arguments.dropFirst().first == "sweep" {
    let threads = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }.filter { $0 >= 1 }
    print(sweepBenchmarkLines(threads: threads, runs: threads.isEmpty ? 3 : 1).joined(separator: "\n"))
    exit(0)
}
func measure(_ label: String, unit: String, minimumSeconds: Double = 1.0, _ body: () -> Int) -> String {
    var iterations = 0
    let start = Date()
    var elapsed = 0.0
    repeat {
        iterations += body()
        elapsed = Date().timeIntervalSince(start)
    } while elapsed < minimumSeconds
    let rate = Double(iterations) / elapsed
    return "\(label): \(Format.fixed(rate / 1e6, 3)) M \(unit)/s (\(iterations) in \(Format.fixed(elapsed, 2)) s)"
}

let profile = try ProfileResolver.load("nvidia-h100-sxm")
let machine = try GPUMachine(profile: profile)
let engine = RooflineEngine()
let shapes: [AttentionShape] = [
    AttentionShape(batch: 1, heads: 32, qLen: 32768, headDim: 128),
    AttentionShape(batch: 4, heads: 32, qLen: 4096, headDim: 128, causal: true),
    AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 1, kvLen: 131072, headDim: 128),
    AttentionShape(batch: 1, heads: 16, qLen: 1 << 20, headDim: 128),
]
let mappings = shapes.map { AttentionMapper.mapping(preset: .fa2, shape: $0, sm: machine.sm) }
let costs = shapes.map { ScoreCosts.onePassAttention(e: $0.headDim, f: $0.valueDim, m0: 64, m: $0.kvLen) }
var sink = 0.0
let estimators = shapes.map { AttentionEstimator(shape: $0, machine: machine) }
// Every candidate of each shape's GPU mapspace, in the search's order.
let spaces = shapes.map { AttentionMapper.candidates(shape: $0, sm: machine.sm, matrixPaths: machine.matrixPaths,
                                                     registerHeadroom: machine.registerHeadroom) }
print(measure("candidate evaluations through the mapping model (GPU attention mapspace, 1 core)", unit: "evaluations") {
    var n = 0
    for i in 0..<shapes.count {
        for m in spaces[i] { sink += estimators[i].estimate(costs: costs[i], mapping: m).seconds }
        n += spaces[i].count
    }
    return n
})
let algorithm = AttentionAlgorithm.closedFormOnePass(shape: shapes[0])
print(measure("full roofline evaluations with breakdowns", unit: "evaluations") {
    for i in 0..<shapes.count {
        sink += engine.evaluate(shape: shapes[i], algorithm: algorithm, mapping: mappings[i], machine: machine).latencySeconds
    }
    return shapes.count
})
print(measure("mapper candidates (search incl. candidate generation)", unit: "candidates") {
    var n = 0
    for s in shapes {
        let outcome = MappingSearch.best(shape: s, algorithm: AttentionAlgorithm.closedFormOnePass(shape: s), machine: machine, objective: .latency)
        n += outcome.candidatesEvaluated
        sink += outcome.seconds
    }
    return n
})
print(benchmarkProfileLoading())
print(benchmarkParsing())
if sink == 42 { print("") }
for i in 0..<shapes.count {
    let (cost, mapping) = (costs[i], mappings[i])
    print(measure("  shape \(i)", unit: "evaluations", minimumSeconds: 0.3) {
        var local = 0.0
        let estimator = estimators[i]
        for _ in 0..<1000 { local += estimator.estimate(costs: cost, mapping: mapping).seconds }
        sink += local
        return 1000
    })
}

// Time to the best mapping of one attention point (the whole search, candidate generation included).
func bestMappingMilliseconds(_ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = Date()
        try body()
        best = min(best, Date().timeIntervalSince(start) * 1000)
    }
    return best
}
let point = AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 8192, headDim: 128, causal: true)
let gpuMs = bestMappingMilliseconds {
    sink += MappingSearch.best(shape: point, algorithm: AttentionAlgorithm.closedFormOnePass(shape: point), machine: machine, objective: .latency).seconds
}
let fusemaxProfile = try ProfileResolver.load("fusemax")
let fusemaxPoint = AttentionShape(batch: 64, heads: 12, qLen: 65536, headDim: 64)
var mapperStats: MapperStatistics?
let spatialMs = try bestMappingMilliseconds {
    let r = try Experiment.simulateOnTarget(shape: fusemaxPoint, profile: fusemaxProfile)
    sink += r.latencySeconds
    mapperStats = r.mapper
}
print("best mapping of one attention point: \(Format.fixed(gpuMs, 2)) ms on nvidia-h100-sxm (GPU mapspace), "
      + "\(Format.fixed(spatialMs, 2)) ms on fusemax (B64 H12 64K d64, FuseMax attention mapspace, incl. profile and cascade)")
if let m = mapperStats {
    let infeasible = m.infeasible.values.reduce(0, +)
    let decided = m.evaluated + m.pruned + infeasible
    print("fusemax mapper: \(Int(m.mapspaceSize)) candidates in the mapspace; \(Int(m.evaluated)) evaluated, \(Int(m.pruned)) pruned by bound, "
          + "\(Int(infeasible)) infeasible; \(Format.fixed(decided / max(m.seconds, 1e-9) / 1e6, 2))M candidates/s decided")
}
let spatialProblem = try Experiment.spatialProblem(shape: fusemaxPoint, algorithm: "1pass", profile: fusemaxProfile)
let spatialSpace = SpatialMapspace(problem: spatialProblem)
let spatialModel = SpatialCostModel(problem: spatialProblem)
let onePassGroup = Array(spatialProblem.einsums.indices)
var benchPlan = SpatialPlan(name: "bench", groups: [SpatialPlan.Group(einsums: onePassGroup, queryLanes: 256, keyTile: 256, querySubBlocks: 4)],
                            binding: spatialSpace.hosts.map { $0.first ?? -1 }, schedule: .pipelined)
let benchGroupOf = [Int](repeating: 0, count: onePassGroup.count)
var scored = 0
let scoreStart = Date()
while Date().timeIntervalSince(scoreStart) < 1 {
    for t in spatialSpace.tilings {
        benchPlan.groups[0] = SpatialPlan.Group(einsums: onePassGroup, queryLanes: t.queryLanes, keyTile: t.keyTile, querySubBlocks: t.querySubBlocks)
        for i in onePassGroup where spatialSpace.hosts[i].count > 1 { benchPlan.binding[i] = spatialSpace.hosts[i][scored % spatialSpace.hosts[i].count] }
        sink += spatialModel.groupScore(0, of: benchPlan, groupOf: benchGroupOf).seconds
        scored += 1
    }
}
print("spatial cost model: \(Format.fixed(Double(scored) / Date().timeIntervalSince(scoreStart) / 1e6, 2))M candidate evaluations/s (FuseMax 1-pass group, one core)")
if sink == 42 { print("") }

// Cycle engine: the event-driven scheduler on an unrolled double-buffered tile loop.
var tileLoop = LoopBody()
let loadUnit = tileLoop.addResource("dma"), peUnit = tileLoop.addResource("pe"), storeUnit = tileLoop.addResource("store")
let loadTask = tileLoop.addTask("load", on: loadUnit, duration: 1)
let computeTask = tileLoop.addTask("compute", on: peUnit, duration: 3, after: [LoopDependency(task: loadTask)])
tileLoop.addTask("store", on: storeUnit, duration: 1, after: [LoopDependency(task: computeTask)])
tileLoop.addBuffer(producer: loadTask, consumer: computeTask, depth: 2)
let unrolledLoop = tileLoop.unrolled(100_000)
print(measure("cycle engine: event-driven scheduling (3 events per task: ready, dispatch, finish)", unit: "tasks") {
    sink += (try? EventScheduler.schedule(unrolledLoop).makespan) ?? 0
    return unrolledLoop.tasks.count
})
// Serving: one NeuPIMs point, then every point of Examples/neupims.xml.
let servingStart = Date()
let onePoint = try ServingSimulation.simulate(ServingWorkload(model: try ModelPreset.named("gpt-3-30b"), batch: 512, dataset: try ServingDataset.named("sharegpt")),
                                              profile: try ProfileResolver.load("neupims"), organization: .neupims)
let onePointSeconds = Date().timeIntervalSince(servingStart)
let configurations: [(String, ServingOrganization)] = [("neupims", .neupims), ("newton-npu-pim", .npuPIM), ("neupims", .npuOnly),
                                                       ("nvidia-a100-sxm", .gpuOnly), ("attacc", .attacc), ("attacc", .offload)]
let exampleProfiles = try Dictionary(uniqueKeysWithValues: Set(configurations.map(\.0)).map { ($0, try ProfileResolver.load($0)) })
let exampleStart = Date()
var examplePoints = 0
for model in ["gpt-3-6.7b", "gpt-3-13b", "gpt-3-30b", "gpt-3-175b"] {
    for batch in [64, 128, 256, 512] {
        for dataset in ["sharegpt", "alpaca"] {
            let workload = ServingWorkload(model: try ModelPreset.named(model), batch: batch, dataset: try ServingDataset.named(dataset))
            for (hardware, organization) in configurations {
                if let profile = exampleProfiles[hardware] {
                    sink += try ServingSimulation.simulate(workload, profile: profile, organization: organization).tokensPerSecond
                    examplePoints += 1
                }
            }
        }
    }
}
print("serving (cycle engine): GPT3-30B batch 512 on NeuPIMs in \(Format.fixed(onePointSeconds * 1e3, 0)) ms (\(Format.fixed(onePoint.tokensPerSecond, 0)) tokens/s); "
      + "Examples/neupims.xml: \(examplePoints) points in \(Format.fixed(Date().timeIntervalSince(exampleStart), 2)) s")
if sink == 42 { print("") }

// Sweeps: the 20,000-point preset-mapped GPU sweep on one and on two threads (and every core).
print(sweepBenchmarkLines().joined(separator: "\n"))
