import Testing
@testable import HardwareModel

/// A system profile with a `<dram>` and a `<pim>` section; `timing`, `dramExtra` and `pimExtra`
/// replace parts. Line 4 is `<dram>`, line 5 `<timing>`, line 7 `<pim>`.
private func pimProfile(timing: String = fullTiming, dramExtra: String = fullDRAMExtra, pimExtra: String = fullPIMExtra) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <profile name="p" kind="pim"><clock>1 GHz</clock>
    <unit name="alu" kind="pim-alu"><throughput precision="fp16">8 ops/cycle</throughput></unit>
    <dram protocol="HBM2"><channels>1</channels><bankGroups>4</bankGroups><banksPerGroup>4</banksPerGroup><rows>1024</rows><columns>64</columns><rowSize>1 KiB</rowSize><busWidth>128 bit</busWidth><burstLength>4</burstLength><tCK>1 ns</tCK>
    <timing \(timing)/>
    \(dramExtra)</dram>
    <pim placement="bank"><macsPerUnit>16</macsPerUnit><compInterval>2</compInterval>\(pimExtra)</pim>
    <memory name="hbm"><capacity>1 GiB</capacity><bandwidth>32 GB/s</bandwidth><serves>alu</serves></memory>
    </profile>
    """
}

private let fullTiming = #"CL="14" CWL="4" tRCD="14" tRCDWR="14" tRP="14" tRAS="34" tCCD_S="1" tCCD_L="2" tCCD_WR_S="1" tCCD_WR_L="2" tRRD_S="4" tRRD_L="6" tFAW="30" tWR="16" tWTR_S="3" tWTR_L="8" tRTP_S="4" tRTP_L="6" tRFC="260" tREFI="3900""#
private let fullDRAMExtra = "<burstCycles>2</burstCycles><activateEnergy>0.5 nJ</activateEnergy><readEnergy>0.8 nJ</readEnergy><writeEnergy>1 nJ</writeEnergy>"
private let fullPIMExtra = "<compEnergy>3 nJ</compEnergy><gactEnergy>2 nJ</gactEnergy><readresEnergy>0.8 nJ</readresEnergy><gwriteEnergy>1 nJ</gwriteEnergy><energyPerBit>1.6 pJ/bit</energyPerBit><compPipelineFill>6</compPipelineFill><gactBanks>4</gactBanks><gwriteBursts>32</gwriteBursts><kvPlacement>request</kvPlacement>"

@Suite("Cycle-engine profile fields")
struct CycleEngineFieldTests {
    @Test func aCompletePIMProfileLoads() throws {
        let profile = try ProfileLoader.load(xml: pimProfile(), file: "p.xml", searchDirectory: nil)
        let dram = try #require(profile.dram)
        #expect(dram.timing.tWTR_L == 8 && dram.timing.tRTP_S == 4 && dram.timing.tCCD_WR_L == 2 && dram.timing.tRCDWR == 14)
        #expect(dram.burstCycles == 2 && dram.burstBytes == 64)
        let pim = try #require(profile.pim)
        #expect(pim.compPipelineFill == 6 && pim.gactBanks == 4 && pim.gwriteBursts == 32)
        #expect(pim.readresEnergy == 0.8e-9 && pim.gwriteEnergy == 1e-9)
    }

    @Test func missingTimingAttributeIsRejectedWithLineAndSuggestion() {
        let timing = fullTiming.split(separator: " ").filter { !$0.hasPrefix("tWTR_L=") }.joined(separator: " ")
        let errors = loadErrors(pimProfile(timing: timing), file: "p.xml")
        let error = errors.first { $0.problem.contains("tWTR_L attribute") }
        #expect(error?.location?.line == 5 && error?.location?.file == "p.xml")
        #expect(error?.problem.contains("not taken as 0") == true)
        #expect(error?.suggestion?.contains(#"tWTR_L="8""#) == true)
    }

    @Test func missingPIMAndDRAMElementsAreEachReported() {
        let errors = loadErrors(pimProfile(dramExtra: "<burstCycles>2</burstCycles>", pimExtra: "<compEnergy>3 nJ</compEnergy>"), file: "p.xml")
        for name in ["activateEnergy", "readEnergy", "writeEnergy"] {
            #expect(errors.contains { $0.problem.contains("<\(name)>") && $0.location?.line == 4 }, "\(name)")
        }
        for name in ["gactEnergy", "readresEnergy", "gwriteEnergy", "compPipelineFill", "gactBanks", "gwriteBursts", "kvPlacement"] {
            #expect(errors.contains { $0.problem.contains("<\(name)>") && $0.location?.line == 7 }, "\(name)")
        }
        #expect(!errors.contains { $0.problem.contains("<compEnergy>") })
    }

    @Test func anUnknownKVPlacementIsLocated() {
        let extra = fullPIMExtra.replacingOccurrences(of: "<kvPlacement>request</kvPlacement>", with: "<kvPlacement>bank</kvPlacement>")
        let errors = loadErrors(pimProfile(pimExtra: extra), file: "p.xml")
        #expect(errors.contains { $0.problem.contains("KV-cache placement") && $0.problem.contains("bank") && $0.location?.file == "p.xml" }, "\(errors)")
    }

    @Test func shippedPIMProfilesStateEveryCycleField() throws {
        for name in ["neupims", "newton-npu-pim", "attacc"] {
            let profile = try ProfileLibrary.load(name)
            let timing = try #require(profile.dram?.timing)
            #expect(timing.tWTR_S > 0 && timing.tWTR_L > 0 && timing.tRTP_S > 0 && timing.tRTP_L > 0, "\(name)")
            #expect(timing.tCCD_WR_S > 0 && timing.tCCD_WR_L > 0 && timing.tRCDWR > 0 && timing.tREFI > 0 && timing.tRFC > 0, "\(name)")
            let pim = try #require(profile.pim)
            #expect(pim.readresEnergy > 0 && pim.gwriteEnergy > 0 && pim.compEnergy > 0 && pim.gactEnergy > 0, "\(name)")
        }
        let attacc = try ProfileLibrary.load("attacc")
        #expect(attacc.dram?.burstBytes == 32 && attacc.dram?.independentBuses == 32)
    }
}
