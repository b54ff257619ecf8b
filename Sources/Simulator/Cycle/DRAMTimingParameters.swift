import HardwareModel

/// The timing the command engine uses, in tCK cycles, checked for completeness.
public struct DRAMTimingParameters: Sendable, Hashable {
    public var ranks: Int, bankGroups: Int, banksPerGroup: Int
    public var CL: Double, CWL: Double, burst: Double
    public var tRCD: Double, tRCDWR: Double, tRP: Double, tRAS: Double
    public var tCCD_S: Double, tCCD_L: Double, tCCD_WR_S: Double, tCCD_WR_L: Double
    public var tRRD_S: Double, tRRD_L: Double, tFAW: Double
    public var tWR: Double, tWTR_S: Double, tWTR_L: Double, tRTP_S: Double, tRTP_L: Double
    public var tRFC: Double, tREFI: Double
    /// Rows open per bank: 2 = separate normal and PIM row buffers (NeuPIMs).
    public var rowBuffers: Int
    public var compInterval: Double, compPipelineFill: Double, gactBanks: Int, gwriteBursts: Double

    /// Activations per tFAW window (JEDEC: 4).
    public static let activationsPerFAW = 4

    /// Reads `dram` (and `pim`); throws ``DRAMTimingError`` naming every missing field.
    public init(dram: DRAMOrganization, pim: PIMOrganization?) throws {
        let t = dram.timing
        var missing: [String] = []
        func need(_ value: Int, _ name: String) -> Double {
            if value <= 0 { missing.append(name) }
            return Double(value)
        }
        ranks = max(1, dram.ranks); bankGroups = max(1, dram.bankGroups); banksPerGroup = max(1, dram.banksPerGroup)
        CL = need(t.CL, "CL"); CWL = need(t.CWL, "CWL"); burst = Double(dram.effectiveBurstCycles)
        tRCD = need(t.tRCD, "tRCD"); tRCDWR = need(t.tRCDWR, "tRCDWR"); tRP = need(t.tRP, "tRP"); tRAS = need(t.tRAS, "tRAS")
        tCCD_S = need(t.tCCD_S, "tCCD_S"); tCCD_L = need(t.tCCD_L, "tCCD_L")
        tCCD_WR_S = need(t.tCCD_WR_S, "tCCD_WR_S"); tCCD_WR_L = need(t.tCCD_WR_L, "tCCD_WR_L")
        tRRD_S = need(t.tRRD_S, "tRRD_S"); tRRD_L = need(t.tRRD_L, "tRRD_L"); tFAW = need(t.tFAW, "tFAW")
        tWR = need(t.tWR, "tWR"); tWTR_S = need(t.tWTR_S, "tWTR_S"); tWTR_L = need(t.tWTR_L, "tWTR_L")
        tRTP_S = need(t.tRTP_S, "tRTP_S"); tRTP_L = need(t.tRTP_L, "tRTP_L")
        tRFC = need(t.tRFC, "tRFC"); tREFI = need(t.tREFI, "tREFI")
        rowBuffers = pim?.rowBuffersPerBank ?? 1
        if let pim {
            compInterval = need(pim.compIntervalCycles, "compInterval")
            compPipelineFill = need(pim.compPipelineFill, "compPipelineFill")
            gactBanks = Int(need(pim.gactBanks, "gactBanks"))
            gwriteBursts = need(pim.gwriteBursts, "gwriteBursts")
        } else {
            compInterval = 0; compPipelineFill = 0; gactBanks = 0; gwriteBursts = 0
        }
        if dram.rowBytes <= 0 || dram.burstBytes <= 0 { missing.append("rowSize/busWidth/burstLength") }
        guard missing.isEmpty else { throw DRAMTimingError.missing(fields: missing) }
    }

    var banksPerRank: Int { bankGroups * banksPerGroup }
    var banksPerBus: Int { ranks * banksPerRank }
    /// The longest any constraint reaches past a command (refresh resets history beyond it).
    var longestConstraint: Double {
        [tRCD, tRCDWR, tRP + tRAS, tFAW, CL + burst + tWTR_L, CWL + burst + tWR, tRTP_L, tCCD_L, tCCD_WR_L,
         compInterval * max(1, compPipelineFill)].max() ?? 0
    }
}

/// Why the command engine cannot time a profile.
public enum DRAMTimingError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(fields: [String])

    public var description: String {
        switch self {
        case .missing(let fields):
            return "the DRAM/PIM profile lacks \(fields.joined(separator: ", ")), which the command-level engine needs (a 0 would make commands free)"
        }
    }
}
