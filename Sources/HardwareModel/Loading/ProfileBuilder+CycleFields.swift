/// The fields the command-level (cycle) engine reads from a PIM profile. A profile with a
/// `<pim>` section must state each one: a missing timing or energy is an error at load (file,
/// line, what is missing, a typical value), never a silent 0 that would make a command free.
extension ProfileBuilder {
    /// Elements of `<dram>` a PIM profile needs, with a typical value for the suggestion.
    static let pimDRAMElements: [(name: String, example: String)] = [
        ("burstCycles", "<burstCycles>2</burstCycles> (cycles the data bus is busy per burst: BL/2 for DDR)"),
        ("activateEnergy", "<activateEnergy>0.576 nJ</activateEnergy> (one ACT + PRE; VDD × (IDD0 − IDD3N) × tRC)"),
        ("readEnergy", "<readEnergy>0.804 nJ</readEnergy> (one read burst; VDD × (IDD4R − IDD3N) × burst time)"),
        ("writeEnergy", "<writeEnergy>1.068 nJ</writeEnergy> (one write burst; VDD × (IDD4W − IDD3N) × burst time)"),
    ]

    /// Elements of `<pim>` the cycle engine needs, with a typical value for the suggestion.
    static let pimElements: [(name: String, example: String)] = [
        ("compEnergy", "<compEnergy>3.216 nJ</compEnergy> (NeuPIMs: COMP = 4 × read energy)"),
        ("gactEnergy", "<gactEnergy>2.304 nJ</gactEnergy> (NeuPIMs: G_ACT = 4 × ACT energy)"),
        ("readresEnergy", "<readresEnergy>0.804 nJ</readresEnergy> (one result burst read out, ≈ a read burst)"),
        ("gwriteEnergy", "<gwriteEnergy>1.068 nJ</gwriteEnergy> (one GWRITE burst, ≈ a write burst)"),
        ("energyPerBit", "<energyPerBit>1.6 pJ/bit</energyPerBit> (bank-internal path to the PIM ALU)"),
        ("compPipelineFill", "<compPipelineFill>6</compPipelineFill> (NeuPIMs simulator: num_comps = max(num_comps, 6))"),
        ("gactBanks", "<gactBanks>4</gactBanks> (banks one G_ACT opens; 4 fills a tFAW window)"),
        ("gwriteBursts", "<gwriteBursts>32</gwriteBursts> (NeuPIMs simulator: GWRITE = (tCCD_S + tCCD_L) × 32)"),
        ("kvPlacement", "<kvPlacement>request</kvPlacement> (request: a request's KV cache on one bus, as NeuPIMs; head: each head on its own)"),
    ]

    /// Typical values for the timing attributes, for suggestions (JEDEC HBM2 at tCK = 1 ns).
    static let timingExamples: [String: String] = [
        "CL": "14", "CWL": "4", "tRCD": "14", "tRCDWR": "14", "tRP": "14", "tRAS": "34",
        "tCCD_S": "1", "tCCD_L": "2", "tCCD_WR_S": "1", "tCCD_WR_L": "2", "tRRD_S": "4", "tRRD_L": "6",
        "tFAW": "30", "tWR": "16", "tWTR_S": "3", "tWTR_L": "8", "tRTP_S": "4", "tRTP_L": "6",
        "tRFC": "260", "tREFI": "3900",
    ]

    /// Reports every cycle-engine field missing from a profile that has a `<pim>` section.
    mutating func checkCycleEngineFields(pim: XMLElementNode, dram: XMLElementNode?, path: String) {
        for (name, example) in Self.pimElements where pim.child(name) == nil {
            report(.missingForCycleEngine(field: "<\(name)>", parent: "pim", example: example), pim, path + "/pim")
        }
        guard let dram else { return }
        let dramPath = path + "/dram"
        for (name, example) in Self.pimDRAMElements where dram.child(name) == nil {
            report(.missingForCycleEngine(field: "<\(name)>", parent: "dram", example: example), dram, dramPath)
        }
        guard let timing = dram.child("timing") else { return }  // reported as missing already
        for name in DRAMTiming.cycleEngineAttributes where timing.attribute(name) == nil {
            let example = "\(name)=\"\(Self.timingExamples[name] ?? "N")\" (cycles of tCK; JEDEC HBM2 value), with its source"
            report(.missingForCycleEngine(field: "\(name) attribute", parent: "timing", example: example), timing, dramPath + "/timing")
        }
    }
}
