import Testing
import HardwareModel
@testable import Einsim
@testable import Simulator
import Workloads

/// FA2's decode dispatch (one query per head, the GQA group swapped into the tile's rows) charges
/// the profile's `fa2.decode-mac-energy` per executed MAC, real and padded rows alike, as the
/// H200's energies measured (1 → 64 real rows per split-KV tile: +7%); prefill keeps its own.
@Suite("FA2 decode MAC energy")
struct DecodeMACEnergyTests {
    static func energy(_ shape: AttentionShape, _ machine: GPUMachine) throws -> Double {
        try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: machine).dynamicJoules
    }

    @Test func decodeRowsCostTheSameRealOrPaddedAndPrefillIsUntouched() throws {
        let profile = try ProfileResolver.load("nvidia-h200-sxm")
        let h200 = try GPUMachine(profile: profile)
        #expect(abs((h200.familyDecodeMACEnergy["fa2"] ?? 0) - 1.4e-12) < 1e-18)
        var without = profile
        without.parameters["fa2.decode-mac-energy"] = nil
        let plain = try GPUMachine(profile: without)
        #expect(plain.familyDecodeMACEnergy.isEmpty)
        // Equal KV bytes (B16, 8 KV heads over 8K keys); 1 or 8 real rows per KV head's tile.
        let one = AttentionShape(batch: 16, heads: 8, kvHeads: 8, qLen: 1, kvLen: 8192, headDim: 128)
        var eight = one
        eight.heads = 64
        let rise = try Self.energy(eight, h200) / Self.energy(one, h200)
        let riseWithout = try Self.energy(eight, plain) / Self.energy(one, plain)
        #expect(rise < 1.05, "1 → 8 real rows: +\(rise - 1)")
        #expect(riseWithout > rise, "padding at a fraction of a real row charges the real rows more: \(riseWithout) vs \(rise)")
        // Prefill (several query positions, split or not) is charged as before.
        for prefill in [AttentionShape(batch: 2, heads: 32, kvHeads: 8, qLen: 4096, headDim: 128, causal: true),
                        AttentionShape(batch: 1, heads: 32, kvHeads: 8, qLen: 16, kvLen: 32768, headDim: 128)] {
            #expect(try Self.energy(prefill, h200) == Self.energy(prefill, plain), "\(prefill)")
        }
        // Decode energies move (the parameter is read), and the H100 has none.
        #expect(try Self.energy(one, h200) != Self.energy(one, plain))
        #expect(try GPUMachine(profile: try ProfileResolver.load("nvidia-h100-sxm")).familyDecodeMACEnergy.isEmpty)
    }
}
