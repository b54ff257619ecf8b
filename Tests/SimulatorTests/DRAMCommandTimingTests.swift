import Testing
import HardwareModel
@testable import Simulator

private func timing(_ name: String, _ adjust: (inout PIMOrganization) -> Void = { _ in }) throws -> DRAMCommandTiming {
    let profile = try ProfileLibrary.load(name)
    let dram = try #require(profile.dram)
    var pim = try #require(profile.pim)
    adjust(&pim)
    return try DRAMCommandTiming(dram: dram, pim: pim)
}

/// pim.md's latency of one GEMV tile in the NeuPIMs public simulator.
private func formula(_ t: DRAMTimingParameters, precharges: Int, gacts: Int, comps: Int, readres: Int) -> Double {
    let comps = max(comps, 6)
    return Double(precharges) * t.tRP + t.tFAW * Double(gacts / 2 - 1) + t.tRCD
        + max(t.burst, t.tCCD_S) * Double(comps) + max(t.burst, t.tCCD_L) * Double(readres - 1)
}

@Suite("DRAM command timing")
struct DRAMCommandTimingTests {
    @Test(arguments: [(1, 2, 1, 1), (1, 2, 6, 1), (2, 4, 16, 4), (3, 6, 32, 8), (1, 8, 64, 16), (4, 8, 5, 2)])
    func singleBankGEMVReproducesTheFormula(_ size: (Int, Int, Int, Int)) throws {
        let neupims = try timing("neupims")
        let tile = PIMGEMVTile(precharges: size.0, gacts: size.1, comps: size.2, readres: size.3)
        let expected = formula(neupims.parameters, precharges: size.0, gacts: size.1, comps: size.2, readres: size.3)
        for refresh in [false, true] {
            let result = neupims.pimGEMV(tile, tiles: 1, refresh: refresh)
            #expect(result.cycles == expected, "\(size) refresh \(refresh)")
        }
        let result = neupims.pimGEMV(tile, tiles: 1)
        #expect(result.counts[.comp] == Double(size.2) && result.counts[.gact] == Double(size.1))
        #expect(result.counts[.readres] == Double(size.3) && result.counts[.pimPrecharge] == Double(size.0))
        let pim = try #require(neupims.pim)
        let perBus = Double(size.1) * pim.gactEnergy + Double(size.2) * pim.compEnergy + Double(size.3) * pim.readresEnergy
        #expect(abs(result.energyJoules - perBus) <= 1e-12 * result.energyJoules)
    }

    @Test func gwriteLatencyIsTheFormula() throws {
        let neupims = try timing("neupims")
        let t = neupims.parameters
        #expect(neupims.gwriteCycles == (t.tCCD_S + t.tCCD_L) * 32)
        var channel = DRAMChannel(t, refresh: false)
        var last = 0.0
        for _ in 0..<32 { last = channel.gwrite() }
        #expect(last + t.tCCD_S + t.tCCD_L == 96)
        // A tile after a GWRITE starts when the broadcast is done.
        let tile = PIMGEMVTile(precharges: 1, gacts: 2, comps: 8, readres: 2, gwrite: true)
        let with = neupims.pimGEMV(tile, refresh: false).cycles
        let without = neupims.pimGEMV(PIMGEMVTile(precharges: 1, gacts: 2, comps: 8, readres: 2), refresh: false).cycles
        #expect(with == without + 96)
    }

    @Test func fifthActivationWaitsForTFAW() throws {
        let t = try timing("neupims").parameters
        var channel = DRAMChannel(t, refresh: false)
        let times = (0..<5).map { i in channel.activate(DRAMBankAddress(rank: 0, bankGroup: i % 4, bank: i / 4)) }
        #expect(times == [0, 4, 8, 12, 30])  // tRRD_S = 4 apart, then tFAW = 30 after the first
        // In the other rank the window is separate.
        #expect(channel.activate(DRAMBankAddress(rank: 1, bankGroup: 0, bank: 0)) == 0)
        // Same bank group: tRRD_L = 6.
        var same = DRAMChannel(t, refresh: false)
        #expect(same.activate(DRAMBankAddress(bankGroup: 0, bank: 0)) == 0)
        #expect(same.activate(DRAMBankAddress(bankGroup: 0, bank: 1)) == 6)
    }

    @Test func columnSpacingDependsOnTheBankGroup() throws {
        let attacc = try timing("attacc").parameters  // burst 2, tCCD_S 2, tCCD_L 4
        var channel = DRAMChannel(attacc, refresh: false)
        let a = DRAMBankAddress(bankGroup: 0, bank: 0), b = DRAMBankAddress(bankGroup: 1, bank: 0)
        channel.activate(a); channel.activate(b)
        let first = channel.read(a)
        #expect(channel.read(a) - first == 4)            // same group: tCCD_L
        let other = channel.read(b)
        #expect(other - (first + 4) == 2)                // other group: tCCD_S
        // Write to read in the same group waits CWL + burst + tWTR_L.
        let w = channel.write(a)
        #expect(channel.read(a) - w == attacc.CWL + attacc.burst + attacc.tWTR_L)
    }

    @Test func rowCycleAndPrechargeRules() throws {
        let t = try timing("neupims").parameters
        var channel = DRAMChannel(t, refresh: false)
        let a = DRAMBankAddress(bankGroup: 0, bank: 0)
        #expect(channel.activate(a) == 0)
        #expect(channel.read(a) == t.tRCD)
        #expect(channel.precharge(a) == t.tRAS)          // tRAS dominates tRCD + tRTP_L
        #expect(channel.activate(a) == t.tRAS + t.tRP)   // tRC
    }

    @Test func dualRowBufferLetsNormalAndPIMActivationsOverlap() throws {
        // One bank per G_ACT so tFAW does not mask the bank rule.
        let dual = try timing("neupims") { $0.gactBanks = 1 }
        let single = try timing("newton-npu-pim") { $0.gactBanks = 1 }
        let bank = DRAMBankAddress(rank: 0, bankGroup: 0, bank: 0)
        var d = DRAMChannel(dual.parameters, refresh: false), s = DRAMChannel(single.parameters, refresh: false)
        d.activate(bank); s.activate(bank)
        #expect(d.gact(rank: 0, banks: [bank]) == dual.parameters.tRRD_L)              // ACT ↔ PIM ACT: tRRD_L
        #expect(s.gact(rank: 0, banks: [bank]) == single.parameters.tRAS + single.parameters.tRP)  // blocked: tRC
        #expect(s.counts[.precharge] == 1 && d.counts[.precharge] == 0)
        // And back: a normal read after the PIM row opened.
        var d2 = DRAMChannel(dual.parameters, refresh: false), s2 = DRAMChannel(single.parameters, refresh: false)
        d2.gact(rank: 0, banks: [bank]); s2.gact(rank: 0, banks: [bank])
        #expect(d2.activate(bank) == dual.parameters.tRRD_L)
        #expect(s2.activate(bank) == single.parameters.tRAS + single.parameters.tRP)
    }

    @Test func refreshStallsTheStream() throws {
        let neupims = try timing("neupims")
        let t = neupims.parameters
        // 4 refresh intervals' worth of one channel's rows.
        let bytes = 32 * 1024 * 1024.0
        let with = neupims.streamingRead(bytes: bytes, refresh: true, recording: true, extrapolate: false)
        let without = neupims.streamingRead(bytes: bytes, refresh: false, extrapolate: false)
        #expect(with.counts[.refresh] >= 32 * 4)
        let stalls = with.counts[.refresh] / 32
        #expect(with.cycles - without.cycles >= stalls * t.tRFC)
        for ref in with.log where ref.kind == .refresh {
            let inside = with.log.filter { $0.kind != .refresh && $0.cycle >= ref.cycle && $0.cycle < ref.cycle + t.tRFC }
            #expect(inside.isEmpty, "commands during the refresh at \(ref.cycle)")
            #expect(ref.cycle.truncatingRemainder(dividingBy: t.tREFI) == 0)
        }
        // Steady streaming reaches the bus rate: 64 B per 2 cycles per channel, less refresh.
        let ideal = bytes / 32 / 64 * 2
        #expect(without.cycles >= ideal && without.cycles < ideal * 1.05)
        #expect(with.cycles < ideal * (1 + t.tRFC / t.tREFI) * 1.08)
    }

    @Test(arguments: [false, true])
    func extrapolationEqualsTheFullStream(_ refresh: Bool) throws {
        for name in ["neupims", "attacc"] {
            let model = try timing(name)
            for bytes in [3e6, 17.5e6, 64e6 + 100] {
                let fast = model.streamingRead(bytes: bytes, refresh: refresh)
                let full = model.streamingRead(bytes: bytes, refresh: refresh, extrapolate: false)
                #expect(fast.cycles == full.cycles && fast.counts == full.counts, "\(name) \(bytes) refresh \(refresh)")
                #expect(fast.simulatedUnits <= full.simulatedUnits)
            }
            let tile = PIMGEMVTile(precharges: 1, gacts: 4, comps: 32, readres: 4, gwrite: true)
            let fast = model.pimGEMV(tile, tiles: 32 * 300, refresh: refresh)
            let full = model.pimGEMV(tile, tiles: 32 * 300, refresh: refresh, extrapolate: false)
            #expect(fast.cycles == full.cycles && fast.counts == full.counts, "\(name) PIM refresh \(refresh)")
            #expect(fast.simulatedUnits < 150)
        }
    }

    @Test func aMillionTokenKVReadIsFast() throws {
        let neupims = try timing("neupims")
        // 1M tokens × (K and V) × 8 KV heads × 128 dims × 2 bytes.
        let bytes = 1_048_576.0 * 2 * 8 * 128 * 2
        let start = ContinuousClock.now
        let result = neupims.streamingRead(bytes: bytes)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        #expect(result.simulatedUnits < 20_000)
        let ideal = bytes / 32 / 64 * 2
        #expect(result.cycles > ideal && result.cycles < ideal * 1.15)
        #expect(result.counts[.read] == (bytes / 64).rounded(.up))
    }

    @Test func incompleteProfilesAreRefused() throws {
        let profile = try ProfileLibrary.load("neupims")
        var dram = try #require(profile.dram)
        dram.timing.tWTR_L = 0
        #expect(throws: DRAMTimingError.missing(fields: ["tWTR_L"])) { try DRAMCommandTiming(dram: dram, pim: profile.pim) }
    }
}
