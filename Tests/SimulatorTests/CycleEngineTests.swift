import Foundation
import Testing
import HardwareModel
@testable import Einsim
@testable import Simulator
import Workloads

/// The cycle-level engine behind the engine protocol: in the throughput-bound limit it agrees
/// with the roofline engine; for short loops it shows what the roofline cannot (fill, drain).
@Suite("Cycle engine")
struct CycleEngineTests {
    static func both(_ shape: AttentionShape, on hardware: String) throws -> (roofline: SimulationResult, cycle: SimulationResult) {
        let profile = try ProfileResolver.load(hardware)
        func run(_ engine: EngineChoice) throws -> SimulationResult {
            try Experiment.$engine.withValue(engine) {
                if profile.kind == .gpu {
                    return try Experiment.simulateAttention(shape: shape, preset: .auto, machine: try GPUMachine(profile: profile))
                }
                return try Experiment.simulateOnTarget(shape: shape, profile: profile)
            }
        }
        return (try run(.roofline), try run(.cycle))
    }

    /// Throughput-bound shapes (long key loops, many tiles) on GPU, NPU and ASIC targets: the
    /// cycle engine within 5% of the roofline engine, and never below the roofline bound.
    @Test(arguments: ["nvidia-h100-sxm", "nvidia-a100-sxm", "tpu-like-npu", "fusemax", "flat"])
    func agreesWithTheRooflineEngineWhenThroughputBound(hardware: String) throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<6 {
            let heads = [8, 16, 32][Int(generator.next() % 3)]
            let seq = [4096, 8192, 16384][Int(generator.next() % 3)]
            let dim = [64, 128][Int(generator.next() % 2)]
            let batch = [1, 2, 4][Int(generator.next() % 3)]
            let shape = AttentionShape(batch: batch, heads: heads, kvHeads: heads, qLen: seq, kvLen: seq, headDim: dim)
            let (r, c) = try Self.both(shape, on: hardware)
            #expect(c.engine == "cycle" && r.engine == "roofline")
            #expect(abs(c.latencySeconds / r.latencySeconds - 1) <= 0.05, "\(hardware) \(shape): cycle \(c.latencySeconds) vs roofline \(r.latencySeconds)")
            #expect(c.latencySeconds >= c.rooflineSeconds * (1 - 1e-9), "\(hardware) \(shape): below the roofline bound")
            #expect(c.energyJoules >= c.dynamicJoules && c.dynamicJoules == r.dynamicJoules)
        }
    }

    /// A loop of one tile cannot hide its loads behind compute: the cycle engine adds the fill.
    @Test func aOneTileLoopShowsTheFillTheRooflineHides() throws {
        var body = LoopBody()
        let memory = body.addResource("hbm"), sms = body.addResource("sms")
        let load = body.addTask("load", on: memory, duration: 1)
        body.addTask("compute", on: sms, duration: 1, after: [LoopDependency(task: load)])
        let one = try LoopScheduler.schedule(body, iterations: 1)
        let many = try LoopScheduler.schedule(body, iterations: 1000)
        #expect(one.makespan == 2)                       // roofline: max(1, 1) = 1
        #expect(abs(many.makespan / 1000 - 1) < 0.01)    // steady state: one tile per period
        // A decode call on a GPU: few key tiles per block, so loads and compute do not overlap fully.
        let decode = AttentionShape(batch: 1, heads: 8, kvHeads: 8, qLen: 1, kvLen: 512, headDim: 128)
        let (r, c) = try Self.both(decode, on: "nvidia-h100-sxm")
        #expect(c.latencySeconds >= r.latencySeconds)
    }

    @Test func theScheduleComesBackAsATraceWithOneTrackPerResource() throws {
        let shape = AttentionShape(batch: 1, heads: 8, kvHeads: 8, qLen: 4096, kvLen: 4096, headDim: 64)
        let (_, c) = try Self.both(shape, on: "fusemax")
        let trace = try #require(c.trace)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(trace.json.utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let threads = Set(events.filter { $0["name"] as? String == "thread_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String })
        #expect(threads.isSuperset(of: ["pe-2d", "pe-1d"]), "\(threads)")
        #expect(events.contains { $0["ph"] as? String == "X" })
    }

    /// Decode token selection reads only the selected tokens: its roofline bound counts only
    /// those (a result never reaches more than 100% of its own bound), on both engines.
    @Test(arguments: ["quest:tokens=0.2,page=16", "double-sparsity:tokens=0.1,channels=0.125", "razor:retrieval=0.2,window=64,sink=4"])
    func decodeSelectionStaysWithinItsBound(variant: String) throws {
        let machine = try GPUMachine(profile: try ProfileResolver.load("nvidia-h100-sxm"))
        let shape = AttentionShape(batch: 1, heads: 32, kvHeads: 32, qLen: 1, kvLen: 32768, headDim: 128)
        for engine in EngineChoice.allCases {
            let r = try Experiment.$engine.withValue(engine) {
                try Experiment.simulateVariant(try VariantSpec.parse(variant), shape: shape, preset: .auto, machine: machine)
            }
            #expect(r.engine == engine.rawValue)
            #expect(r.percentOfRoofline <= 100.0001, "\(variant) \(engine): \(r.percentOfRoofline)%")
        }
    }
}
