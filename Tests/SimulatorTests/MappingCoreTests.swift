import Einsim
import Foundation
import Testing

/// The mapping core's promises: a 1-pass cascade's costs come from its own Einsums (an extra
/// input is traffic, a missing P·V is missing FLOPs, an extra exp is softmax time), and the GPU
/// dispatch is one continuum from decode to prefill (no cliffs as q_len grows).
@Suite struct MappingCoreTests {
    /// A cascade under Examples/cascades (the costing checks are in its `checks/` folder, out of
    /// the shipped-examples table).
    static func cascadePath(_ file: String) -> String {
        Fixtures.repositoryRoot + "/Examples/cascades/" + file
    }

    static func simulate(_ file: String, _ shape: AttentionShape, _ preset: KernelPreset = .fa2,
                         on machine: String = "nvidia-h100-sxm") throws -> SimulationResult {
        let algorithm = try AlgorithmResolver.resolve(cascadePath(file), shape: shape)
        return try Experiment.simulateAttention(shape: shape, preset: preset, machine: try Fixtures.machine(machine),
                                                algorithm: algorithm)
    }

    // MARK: 1. An extra input is traffic

    @Test func biasInputIsStreamedFromDRAM() throws {
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 8192, kvLen: 8192, headDim: 128)
        let machine = try Fixtures.machine()
        let plain = try Self.simulate("attention-1pass.einsum", shape)
        let biased = try Self.simulate("checks/attention-1pass-bias.einsum", shape)
        // Z[b,h,m,p] in bf16: 32 · 8192 · 8192 · 2 B = 4.29e9 B, read at least once.
        let biasBytes = 32.0 * 8192 * 8192 * 2
        #expect(biased.dramBytes >= plain.dramBytes + biasBytes,
                "bias cascade moves \(biased.dramBytes) B, plain \(plain.dramBytes) B; Z alone is \(biasBytes) B")
        #expect(biased.latencySeconds >= biasBytes / machine.dramBandwidth,
                "latency \(biased.latencySeconds) s below Z's streaming time \(biasBytes / machine.dramBandwidth) s")
        #expect(biased.latencySeconds > plain.latencySeconds)
        // The extra add per score is useful vector work, not matrix work: FLOPs do not change.
        #expect(relativeDifference(biased.flops, plain.flops) < 1e-9)
    }

    // MARK: 2. A missing P·V is missing FLOPs

    @Test func cascadeWithoutPVHasHalfTheFLOPs() throws {
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 8192, kvLen: 8192, headDim: 128)
        let plain = try Self.simulate("attention-1pass.einsum", shape)
        let noPV = try Self.simulate("checks/attention-1pass-no-pv.einsum", shape)
        // e = f = 128: Q·K and P·V are half the MACs each.
        #expect(abs(noPV.flops / plain.flops - 0.5) < 0.01, "no-P·V \(noPV.flops) vs plain \(plain.flops) FLOPs")
        #expect(relativeDifference(plain.flops, shape.flops) < 0.01)
        // Without V no V traffic, and less matrix time.
        #expect(noPV.dramBytes < plain.dramBytes)
        #expect((noPV.resourceSeconds["matrix"] ?? 0) < (plain.resourceSeconds["matrix"] ?? 0))
    }

    // MARK: 3. An extra exp is softmax time

    @Test func extraExpCostsSoftmaxTimeAndLatency() throws {
        // Head dim 64: the matrix work per score is small, softmax is a large share of the kernel.
        let shape = AttentionShape(batch: 1, heads: 32, qLen: 8192, kvLen: 8192, headDim: 64)
        for preset in [KernelPreset.fa2, .fa3] {
            let plain = try Self.simulate("attention-1pass.einsum", shape, preset)
            let extra = try Self.simulate("checks/attention-1pass-extra-exp.einsum", shape, preset)
            let key = "softmax (exp + ALU)"
            let a = try #require(plain.resourceSeconds[key]), b = try #require(extra.resourceSeconds[key])
            #expect(b > a * 1.1, "\(preset): softmax \(b) s with the extra exp vs \(a) s")
            #expect(extra.latencySeconds > plain.latencySeconds,
                    "\(preset): latency \(extra.latencySeconds) s with the extra exp vs \(plain.latencySeconds) s")
            #expect(relativeDifference(extra.flops, plain.flops) < 1e-9)
        }
    }

    // MARK: 6. Decode-prefill continuum

    /// Padded matrix work the kernel executes: the MACs of every kernel of the call (tile padding
    /// and split-KV partials included), from the engine's `KernelCost.executed`.
    static func executedMACs(_ shape: AttentionShape, _ preset: KernelPreset, machine: GPUMachine,
                             algorithm: AttentionAlgorithm) throws -> Double {
        let mapping = try Experiment.presetMapping(preset, shape: shape, machine: machine)
        return RooflineEngine().attentionKernels(shape: shape, algorithm: algorithm, mapping: mapping, machine: machine)
            .reduce(0) { $0 + $1.executed[.matrixMAC] }
    }

    /// Steps in q_len where the model is known to break the continuum (H100, B1, H32/8, 65536
    /// keys, d128), kept as known issues until the model is fixed (then this test reports
    /// "known issue was not recorded": drop the entry).
    /// - fa2 192→193: split-KV 5 → 2 splits (480 → 256 blocks); K/V DRAM reload 5.67 → 10.32
    ///   (1.56 → 2.79 GB): the L2 working set counts each in-flight block's whole key span, so
    ///   longer splits evict. Latency ×1.45 for executed work ×1.33.
    /// - flex 192→193: split-KV (4 splits, 384 blocks) → regular kernel (64 blocks of 128 rows on
    ///   132 SMs), K/V reload 3.54 → 8 (0.98 → 2.15 GB). Latency ×1.59 for work ×1.33.
    /// - fa3 128→129: latency falls 720 → 618 us: 2 splits (128 blocks, K/V reload 8, 2.16 GB DRAM)
    ///   → 4 splits (384 blocks, reload 3.54, 0.97 GB) while executed work grows ×1.5.
    static let knownContinuumBreaks: Set<String> = []

    @Test(arguments: [KernelPreset.fa2, .fa3, .cudnn, .flex])
    func latencyIsAContinuumInQueryLength(preset: KernelPreset) throws {
        let machine = try Fixtures.machine()
        var previous: (q: Int, latency: Double, work: Double)?
        var violations: [(q: Int, text: String)] = []
        for q in 2...256 {
            let shape = AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: q, kvLen: 65536, headDim: 128)
            let algorithm = try AlgorithmResolver.resolve("1pass", shape: shape)
            let r = try Experiment.simulateAttention(shape: shape, preset: preset, machine: machine, algorithm: algorithm)
            let work = try Self.executedMACs(shape, preset, machine: machine, algorithm: algorithm)
            if let p = previous {
                let ratio = r.latencySeconds / p.latency
                let workRatio = work / p.work
                if r.latencySeconds < p.latency {
                    violations.append((q, "q \(p.q)→\(q): latency fell \(p.latency)→\(r.latencySeconds) s"))
                }
                if ratio > max(1.0001, workRatio) * 1.05 {
                    violations.append((q, "q \(p.q)→\(q): latency ×\(ratio) (\(p.latency)→\(r.latencySeconds) s) for executed work ×\(workRatio)"))
                }
            }
            previous = (q, r.latencySeconds, work)
        }
        let isKnown = { (v: (q: Int, text: String)) in Self.knownContinuumBreaks.contains("\(preset.rawValue) \(v.q)") }
        let unknown = violations.filter { !isKnown($0) }.map(\.text)
        #expect(unknown.isEmpty, "\(preset) on H100, H32/8, 65536 keys, d128: \(unknown.joined(separator: "; "))")
        if Self.knownContinuumBreaks.contains(where: { $0.hasPrefix(preset.rawValue + " ") }) {
            let known = violations.filter(isKnown).map(\.text)
            withKnownIssue("model: continuum break in the split-KV dispatch / L2 reuse (see knownContinuumBreaks)") {
                #expect(known.isEmpty, "\(preset) on H100, H32/8, 65536 keys, d128: \(known.joined(separator: "; "))")
            }
        }
    }

    @Test func sixteenToSeventeenQueriesIsNoCliff() throws {
        // The old model jumped 13.8x here (split-KV decode kernel → regular prefill kernel).
        let a = try Fixtures.simulate(AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 16, kvLen: 65536, headDim: 128))
        let b = try Fixtures.simulate(AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 17, kvLen: 65536, headDim: 128))
        #expect(b.latencySeconds / a.latencySeconds < 1.2, "q 16 → 17: \(a.latencySeconds) → \(b.latencySeconds) s")
        #expect(b.latencySeconds >= a.latencySeconds)
    }
}

/// Keys fewer than a key tile: the kernel computes the padded tile, and per-tile work is shared
/// by its columns (one query over one key must not cost more than sixteen over sixteen).
struct ShortKeyRangeTests {
    @Test(arguments: [KernelPreset.fa2, .fa3, .cudnn, .flex])
    func fewKeysCostNoMoreThanMore(preset: KernelPreset) throws {
        for kv in [1, 7, 100] {
            let one = try Fixtures.simulate(AttentionShape(batch: 1, heads: 8, qLen: 1, kvLen: kv, headDim: 128), preset)
            let more = try Fixtures.simulate(AttentionShape(batch: 1, heads: 8, qLen: 16, kvLen: max(kv, 16), headDim: 128), preset)
            #expect(one.latencySeconds <= more.latencySeconds * 1.05, "\(preset) kv \(kv): \(one.latencySeconds) vs \(more.latencySeconds)")
            #expect(one.flops == 2 * 8 * Double(kv) * 256)
        }
    }
}
