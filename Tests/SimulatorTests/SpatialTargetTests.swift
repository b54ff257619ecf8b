import Einsim
import Foundation
import Testing

/// Every non-GPU profile simulates through the target-neutral machine, mapping and roofline engine.
struct SpatialTargetTests {
    static let targets = ["fusemax", "flat", "flat-edge", "tpu-like-npu", "neupims", "newton-npu-pim", "attacc"]
    static let bert = AttentionShape(batch: 64, heads: 12, qLen: 4096, headDim: 64)

    static func run(_ name: String, _ shape: AttentionShape = bert, algorithm: String = "1pass") throws -> SimulationResult {
        try Experiment.simulateOnTarget(shape: shape, algorithm: algorithm, profile: ProfileResolver.load(name))
    }

    @Test(arguments: targets)
    func latencyIsAtLeastTheRooflineAndEnergyAtLeastIdleTimesLatency(target: String) throws {
        let r = try Self.run(target)
        #expect(r.latencySeconds > 0 && r.latencySeconds.isFinite)
        #expect(r.latencySeconds >= r.rooflineSeconds * 0.999999)
        #expect(r.energyJoules >= r.staticJoules)
        let moved = r.dramBytes + r.bytesPerLevel.filter { $0.key.hasSuffix("(in-bank)") }.values.reduce(0, +)
        #expect(moved >= 0.999 * Double(Self.bert.batch * Self.bert.heads) * 4096 * 64 * 2 * 4, "Q, K, V, O once (over the bus or in the banks)")
        for (_, u) in r.utilization { #expect(u >= 0 && u <= 1.000001) }
        #expect(!r.einsums.isEmpty && r.einsums.allSatisfy { $0.seconds >= 0 && $0.utilization > 0 && $0.utilization <= 1 })
    }

    @Test(arguments: ["fusemax", "tpu-like-npu"])
    func monotonicInSequenceLengthAndBatch(target: String) throws {
        var previous = 0.0
        for seq in [1024, 4096, 16384] {
            let t = try Self.run(target, AttentionShape(batch: 8, heads: 12, qLen: seq, headDim: 64)).latencySeconds
            #expect(t > previous)
            previous = t
        }
        let one = try Self.run(target, AttentionShape(batch: 1, heads: 12, qLen: 4096, headDim: 64)).latencySeconds
        let eight = try Self.run(target, AttentionShape(batch: 8, heads: 12, qLen: 4096, headDim: 64)).latencySeconds
        #expect(eight > one)
    }

    /// FuseMax (1-pass cascade, exp on its 2-D array through the issue cost) against FLAT (3-pass
    /// cascade, softmax on its 1-D array): faster, from the mapping, not from a constant.
    @Test func fusemaxBeatsFlatOnAttention() throws {
        let fusemax = try Self.run("fusemax")
        let flat = try Self.run("flat", algorithm: "3pass")
        #expect(fusemax.latencySeconds * 3 < flat.latencySeconds)
        #expect(fusemax.bound == "pe-2d")
        #expect(fusemax.einsums.first { $0.name == "SLN" }?.unit == "pe-2d", "exp runs on the 2-D array (6 MACs + 1 add)")
        #expect(fusemax.einsums.first { $0.name == "AV" }?.unit == "pe-1d", "the divide needs the 1-D array")
    }

    /// Passes fuse only when the intermediates crossing them fit whole on chip (FLAT's row-tile
    /// fusion): at 4K keys rows of scores fit FLAT's buffer, so its dataflow is one group; at 1M
    /// keys they do not, and the 3-pass cascade spills between passes.
    @Test func threePassFusesWhenRowsFitAndSpillsWhenTheyDoNot() throws {
        let fits = AttentionShape(batch: 4, heads: 12, qLen: 4096, headDim: 64)
        let flatFits = try Experiment.simulateOnTarget(shape: fits, profile: ProfileResolver.load("flat"), mapping: "flat")
        #expect(flatFits.kernels.count == 1)
        #expect(flatFits.loopNest.contains("pass 1+2+3"))
        let spills = AttentionShape(batch: 1, heads: 1, qLen: 1 << 20, headDim: 64)
        let threeSpills = try Self.run("fusemax", spills, algorithm: "3pass")
        let oneSpills = try Self.run("fusemax", spills)
        #expect(threeSpills.kernels.count == 3)
        #expect(threeSpills.dramBytes > 2 * oneSpills.dramBytes)
    }

    /// A PIM system reads K and V in the banks for the Einsums bound to its PIM units: batched
    /// decode is faster than on the same NPU without PIM, and the in-bank reads are a resource.
    @Test func pimReadsOperandsInBank() throws {
        let decode = AttentionShape(batch: 32, heads: 32, qLen: 1, kvLen: 4096, headDim: 128)
        let pim = try Self.run("neupims", decode)
        let npu = try Self.run("tpu-like-npu", decode)
        #expect(pim.latencySeconds < npu.latencySeconds)
        #expect(pim.resourceSeconds["hbm (in-bank)", default: 0] > 0)
        #expect(pim.einsums.first { $0.name == "BQK" }?.unit == "pim-alu")
        #expect(pim.dramBytes < npu.dramBytes)
    }

    @Test func gridNeighborhoodsSkipTheTilesTheyLeaveEmpty() throws {
        let base = AttentionShape(batch: 4, heads: 16, qLen: 4096, headDim: 64)
        let profile = try ProfileResolver.load("fusemax")
        let dense = try Experiment.simulateVariantOnTarget(try VariantSpec.parse("dense"), shape: base, profile: profile)
        let local = try Experiment.simulateVariantOnTarget(try VariantSpec.parse("neighborhood:window=15x15,grid=64x64"), shape: base, profile: profile)
        #expect(local.latencySeconds < 0.5 * dense.latencySeconds && local.latencySeconds > 0.055 * dense.latencySeconds)
        #expect(local.latencySeconds >= local.rooflineSeconds * (1 - 1e-9))
        // Useful FLOPs are the kept scores' (225 of 4096 keys per query), not the computed tiles'.
        #expect(abs(local.flops / dense.flops - 225.0 / 4096.0) < 0.01, "\(local.flops / dense.flops)")
    }

    /// Masks on spatial targets: skipped tiles are skipped array work and K/V reads, at the
    /// granularity of the mapping's tiles (which the mapper trades against utilization).
    @Test(arguments: ["fusemax", "flat", "tpu-like-npu"])
    func masksSkipWholeTiles(hardware: String) throws {
        let base = AttentionShape(batch: 4, heads: 16, qLen: 16384, headDim: 64)
        func run(_ variant: String, causal: Bool = false) throws -> SimulationResult {
            var shape = base
            shape.causal = causal
            return try Experiment.simulateVariantOnTarget(try VariantSpec.parse(variant), shape: shape, profile: try ProfileResolver.load(hardware))
        }
        let dense = try run("dense")
        // density 1.0 is dense
        let full = try run("block-sparse:density=1.0,block=128")
        #expect(abs(full.latencySeconds / dense.latencySeconds - 1) < 1e-9 && abs(full.energyJoules / dense.energyJoules - 1) < 1e-9)
        // 80% of the blocks skipped: faster, but not beyond the kept fraction
        let sparse = try run("block-sparse:density=0.2,block=128")
        #expect(sparse.latencySeconds < dense.latencySeconds && sparse.latencySeconds > 0.2 * dense.latencySeconds * 0.999)
        #expect(sparse.energyJoules < dense.energyJoules)
        #expect(sparse.latencySeconds >= sparse.rooflineSeconds * (1 - 1e-9))
        // windows: monotonic in the window, and causal roughly halves the work
        let narrow = try run("sliding-window:window=512"), wide = try run("sliding-window:window=4096")
        #expect(narrow.latencySeconds < wide.latencySeconds && wide.latencySeconds <= dense.latencySeconds)
        let causal = try run("dense", causal: true)
        #expect(causal.latencySeconds < dense.latencySeconds && causal.latencySeconds > 0.45 * dense.latencySeconds)
        // a predicted selection pays its predictor's passes first
        let topK = try run("top-k:keep=16,block=128")
        #expect(topK.predictorShare > 0 && topK.latencySeconds < dense.latencySeconds)
    }

    @Test func millionTokenSequencesCostNoMoreToSimulate() throws {
        let start = Date()
        _ = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 64, heads: 16, qLen: 1 << 20, headDim: 64),
                                            profile: ProfileResolver.load("fusemax"), mapping: "fusemax")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// On every spatial target the searched mapping is at least as good as every preset it may run.
    @Test(arguments: ["fusemax", "flat", "tpu-like-npu"])
    func searchedMappingMatchesOrBeatsEveryPreset(target: String) throws {
        let shape = AttentionShape(batch: 8, heads: 12, qLen: 4096, headDim: 64)
        let profile = try ProfileResolver.load(target)
        let auto1 = try Experiment.simulateOnTarget(shape: shape, algorithm: "1pass", profile: profile)
        let auto3 = try Experiment.simulateOnTarget(shape: shape, algorithm: "3pass", profile: profile)
        for preset in SpatialPreset.allCases {
            guard let r = try? Experiment.simulateOnTarget(shape: shape, profile: profile, mapping: preset.rawValue) else { continue }
            let auto = preset.cascade == "1pass" ? auto1 : auto3
            #expect(auto.latencySeconds <= r.latencySeconds * (1 + 1e-9), "\(target) \(preset.rawValue)")
        }
    }

    /// The mapper reports what it did: evaluated, pruned, infeasible by level; the map text shows
    /// FuseMax's loop order and binding.
    @Test func mapperStatisticsAndFuseMaxLoopOrder() throws {
        let r = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 64, heads: 12, qLen: 65536, headDim: 64),
                                                profile: ProfileResolver.load("fusemax"))
        let m = try #require(r.mapper)
        #expect(m.evaluated > 0 && m.pruned > 0 && m.infeasible["global-buffer", default: 0] > 0)
        #expect(m.evaluated + m.pruned + m.infeasible.values.reduce(0, +) <= m.mapspaceSize + 1)
        let preset = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 64, heads: 12, qLen: 4096, headDim: 64),
                                                     profile: ProfileResolver.load("fusemax"), mapping: "fusemax")
        #expect(preset.loopNest.contains("p2 (") && preset.loopNest.contains("→ m1 (") && preset.loopNest.contains("→ p1 (")
                && preset.loopNest.contains("→ parallel p0 (256) → parallel m0 (256)"), "\(preset.loopNest)")
        for name in ["BQK", "LM", "SLN", "SLD", "SLNV"] { #expect(preset.einsums.first { $0.name == name }?.unit == "pe-2d", "\(name)") }
        for name in ["RM", "PRM", "SPD", "SPNV", "RD", "RNV", "AV"] { #expect(preset.einsums.first { $0.name == name }?.unit == "pe-1d", "\(name)") }
    }

    /// The ablation steps get faster in order: FLAT, +Cascade, +Architecture, +Binding (FuseMax).
    @Test func ablationStepsImproveInOrder() throws {
        let shape = AttentionShape(batch: 64, heads: 12, qLen: 16384, headDim: 64)
        let flat = try Experiment.simulateOnTarget(shape: shape, profile: ProfileResolver.load("flat"), mapping: "flat")
        let cascade = try Experiment.simulateOnTarget(shape: shape, profile: ProfileResolver.load("flat"), mapping: "fusemax+cascade")
        let architecture = try Experiment.simulateOnTarget(shape: shape, profile: ProfileResolver.load("fusemax"), mapping: "fusemax+architecture")
        let binding = try Experiment.simulateOnTarget(shape: shape, profile: ProfileResolver.load("fusemax"), mapping: "fusemax")
        #expect(cascade.latencySeconds < flat.latencySeconds)
        #expect(architecture.latencySeconds < cascade.latencySeconds)
        #expect(binding.latencySeconds < architecture.latencySeconds)
    }
}

/// Anytime search: an interrupt (Ctrl-C in the CLI) returns the best mapping found so far.
@Suite("Anytime mapper search")
struct AnytimeSearchTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    @Test func anInterruptReturnsTheBestSoFar() async throws {
        let shape = AttentionShape(batch: 64, heads: 12, qLen: 65536, headDim: 64)
        let problem = try Experiment.spatialProblem(shape: shape, algorithm: "1pass", profile: try ProfileResolver.load("fusemax"))
        let space = SpatialMapspace(problem: problem)
        let start = Date()
        let flag = Flag()
        let search = Task.detached {
            // (A private flag, so searches of tests running beside this one are not stopped.)
            try SpatialSearch.best(space, options: SpatialSearch.Options(mode: .random, seed: 3, samples: 100_000_000, timeLimit: 120,
                                                                         interrupted: { flag.isSet }))
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        flag.set()
        let outcome = try await search.value
        #expect(outcome.stoppedEarly)
        #expect(outcome.evaluated > 0 && outcome.evaluated < 100_000_000)
        #expect(outcome.cost.seconds.isFinite)
        _ = start   // (no wall-clock bound: on a loaded machine the task may start late; stopping early is the property)
    }
}

/// A quantized KV cache on spatial targets: fewer bytes to read, a dequantization per element read.
@Suite("KV-cache quantization on spatial targets")
struct SpatialKVQuantizationTests {
    @Test func decodeReadsLessAndPaysItsDequantization() throws {
        let shape = AttentionShape(batch: 64, heads: 32, qLen: 1, kvLen: 16384, headDim: 128)
        func run(_ variant: String, _ hardware: String) throws -> SimulationResult {
            try Experiment.simulateVariantOnTarget(try VariantSpec.parse(variant), shape: shape, profile: try ProfileResolver.load(hardware))
        }
        let dense = try run("dense", "fusemax"), q4 = try run("kv-cache:bits=4", "fusemax")
        #expect(q4.dramBytes < 0.35 * dense.dramBytes, "\(q4.dramBytes) vs \(dense.dramBytes)")
        #expect(q4.latencySeconds < dense.latencySeconds && q4.energyJoules < dense.energyJoules)
        // The dequantization is real work on the vector-capable unit: on the NPU its 8 x 128 lanes
        // are as slow as the HBM it saves, so 4-bit decode is no faster there.
        let npuDense = try run("dense", "tpu-like-npu"), npuQ4 = try run("kv-cache:bits=4", "tpu-like-npu")
        #expect(npuQ4.latencySeconds > 0.9 * npuDense.latencySeconds)
        #expect(npuQ4.resourceSeconds["vector-unit", default: 0] > npuDense.resourceSeconds["vector-unit", default: 0])
    }
}

/// Grouped KV heads on spatial targets: the group's queries are packed onto their KV head, so K
/// and V are read once per group; MLA decode is one latent KV head shared by every query head.
@Suite("GQA and MLA on spatial targets")
struct SpatialGroupedKVTests {
    @Test func groupsShareTheirKVReads() throws {
        let profile = try ProfileResolver.load("fusemax")
        let mha = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 8, heads: 32, qLen: 1, kvLen: 16384, headDim: 128), profile: profile)
        let gqa = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 8, heads: 32, kvHeads: 8, qLen: 1, kvLen: 16384, headDim: 128), profile: profile)
        #expect(gqa.dramBytes < 0.3 * mha.dramBytes, "\(gqa.dramBytes) vs \(mha.dramBytes)")
        #expect(gqa.latencySeconds < mha.latencySeconds)
        #expect(abs(gqa.flops / mha.flops - 1) < 1e-9)
        let decode = AttentionShape(batch: 8, heads: 128, qLen: 1, kvLen: 16384, headDim: 128)
        let dense = try Experiment.simulateVariantOnTarget(try VariantSpec.parse("dense"), shape: decode, profile: profile)
        let mla = try Experiment.simulateVariantOnTarget(try VariantSpec.parse("mla"), shape: decode, profile: profile)
        #expect(mla.dramBytes < 0.1 * dense.dramBytes && mla.latencySeconds < dense.latencySeconds)
    }
}
