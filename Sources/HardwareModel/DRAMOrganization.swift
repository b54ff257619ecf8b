/// DRAM organization and timing (JEDEC-style), in cycles of `tCKSeconds` unless stated.
public struct DRAMOrganization: Sendable, Hashable {
    public var protocolName: String
    public var channels: Int
    public var pseudoChannels: Int
    public var ranks: Int
    public var bankGroups: Int
    public var banksPerGroup: Int
    public var rows: Int
    public var columns: Int
    /// Row (page) size in bytes.
    public var rowBytes: Double
    /// Data bus width per channel in bits, and burst length.
    public var busWidthBits: Int
    public var burstLength: Int
    /// Cycles of tCK the data bus is busy for one burst (BL/2 for double data rate; a profile
    /// may state it, e.g. HBM3 BL8 moves in 2 cycles of its command clock). 0 = not stated.
    public var burstCycles: Int
    public var tCKSeconds: Double
    public var timing: DRAMTiming
    /// Energy of one activate+precharge, and of one column read/write burst, in joules.
    public var activateEnergy: Double
    public var readEnergy: Double
    public var writeEnergy: Double

    public init(
        protocolName: String, channels: Int, pseudoChannels: Int, ranks: Int, bankGroups: Int,
        banksPerGroup: Int, rows: Int, columns: Int, rowBytes: Double, busWidthBits: Int,
        burstLength: Int, burstCycles: Int = 0, tCKSeconds: Double, timing: DRAMTiming,
        activateEnergy: Double = 0, readEnergy: Double = 0, writeEnergy: Double = 0
    ) {
        self.burstCycles = burstCycles
        self.protocolName = protocolName; self.channels = channels; self.pseudoChannels = pseudoChannels
        self.ranks = ranks; self.bankGroups = bankGroups; self.banksPerGroup = banksPerGroup
        self.rows = rows; self.columns = columns; self.rowBytes = rowBytes; self.busWidthBits = busWidthBits
        self.burstLength = burstLength; self.tCKSeconds = tCKSeconds; self.timing = timing
        self.activateEnergy = activateEnergy; self.readEnergy = readEnergy; self.writeEnergy = writeEnergy
    }

    /// Banks per channel (pseudo-channel × rank × bank group × bank).
    public var banksPerChannel: Int { max(1, pseudoChannels) * ranks * bankGroups * banksPerGroup }
    /// Banks on the whole device.
    public var totalBanks: Int { channels * banksPerChannel }

    /// Cycles one burst occupies the data bus: ``burstCycles`` when stated, else BL/2 (DDR).
    public var effectiveBurstCycles: Int { burstCycles > 0 ? burstCycles : max(1, burstLength / 2) }

    /// Independent command/data buses: channels × pseudo-channels.
    public var independentBuses: Int { channels * max(1, pseudoChannels) }

    /// Bytes one burst moves on one bus (a pseudo-channel carries its share of the channel width).
    public var burstBytes: Double {
        Double(busWidthBits) / Double(max(1, pseudoChannels)) * Double(burstLength) / 8
    }

    /// Banks behind one bus (ranks × bank groups × banks per group).
    public var banksPerBus: Int { ranks * bankGroups * banksPerGroup }
}

/// JEDEC timing parameters in clock cycles (tCK).
public struct DRAMTiming: Sendable, Hashable {
    public var CL: Int, CWL: Int
    public var tRCD: Int, tRP: Int, tRAS: Int
    public var tCCD_S: Int, tCCD_L: Int
    public var tRRD_S: Int, tRRD_L: Int
    public var tFAW: Int
    public var tWR: Int
    public var tRFC: Int, tREFI: Int
    /// ACT to write (tRCD is ACT to read, tRCDRD); 0 = not stated (then tRCD applies).
    public var tRCDWR: Int
    /// Write to read turnaround after the write burst, other / same bank group (tWTR_S, tWTR_L).
    public var tWTR_S: Int, tWTR_L: Int
    /// Read to precharge, other / same bank group (HBM states both; DDR has one tRTP = both).
    public var tRTP_S: Int, tRTP_L: Int
    /// Write to write, other / same bank group (the write-side tCCD).
    public var tCCD_WR_S: Int, tCCD_WR_L: Int

    public init(CL: Int, CWL: Int = 0, tRCD: Int, tRP: Int, tRAS: Int, tCCD_S: Int, tCCD_L: Int,
                tRRD_S: Int, tRRD_L: Int, tFAW: Int, tWR: Int = 0, tRFC: Int = 0, tREFI: Int = 0,
                tRCDWR: Int = 0, tWTR_S: Int = 0, tWTR_L: Int = 0, tRTP_S: Int = 0, tRTP_L: Int = 0,
                tCCD_WR_S: Int = 0, tCCD_WR_L: Int = 0) {
        self.CL = CL; self.CWL = CWL; self.tRCD = tRCD; self.tRP = tRP; self.tRAS = tRAS
        self.tCCD_S = tCCD_S; self.tCCD_L = tCCD_L; self.tRRD_S = tRRD_S; self.tRRD_L = tRRD_L
        self.tFAW = tFAW; self.tWR = tWR; self.tRFC = tRFC; self.tREFI = tREFI
        self.tRCDWR = tRCDWR; self.tWTR_S = tWTR_S; self.tWTR_L = tWTR_L
        self.tRTP_S = tRTP_S; self.tRTP_L = tRTP_L; self.tCCD_WR_S = tCCD_WR_S; self.tCCD_WR_L = tCCD_WR_L
    }

    /// The timing attributes the command-level (cycle) engine needs, as named in profiles.
    /// A PIM profile must state every one; tRCD means tRCDRD.
    public static let cycleEngineAttributes: [String] = [
        "CL", "CWL", "tRCD", "tRCDWR", "tRP", "tRAS", "tCCD_S", "tCCD_L", "tCCD_WR_S", "tCCD_WR_L",
        "tRRD_S", "tRRD_L", "tFAW", "tWR", "tWTR_S", "tWTR_L", "tRTP_S", "tRTP_L", "tRFC", "tREFI",
    ]

    /// Row cycle time tRC = tRAS + tRP.
    public var tRC: Int { tRAS + tRP }
}

/// Processing-in-memory organization: ALUs beside the banks.
public struct PIMOrganization: Sendable, Hashable {
    public enum Placement: String, Sendable, Hashable, CaseIterable, Codable {
        case bank, bankGroup = "bank-group", bufferDie = "buffer-die"
    }
    public var placement: Placement
    /// Multiply-accumulate lanes per PIM unit (e.g. 16 FP16 MACs).
    public var macsPerUnit: Int
    /// Banks served by one PIM unit (1 = one unit per bank).
    public var banksPerUnit: Int
    /// Row buffers per bank (2 = NeuPIMs dual row buffer: PIM and normal accesses proceed together).
    public var rowBuffersPerBank: Int
    /// Cycles between two COMP commands.
    public var compIntervalCycles: Int
    /// Energy of a COMP command and of a G_ACT, in joules.
    public var compEnergy: Double
    public var gactEnergy: Double
    /// Energy per bit moved to a PIM ALU (internal path), in joules.
    public var energyPerBit: Double
    /// Fraction of the internal bandwidth usable under the power cap (AttAcc: 9/16 for bank PIM).
    public var powerCapFraction: Double
    /// Energy of one READRES (result readout burst) and of one GWRITE burst, in joules.
    public var readresEnergy: Double
    public var gwriteEnergy: Double
    /// Minimum COMP steps before results can be read (pipeline fill; pim.md: 6). 0 = not stated.
    public var compPipelineFill: Int
    /// Banks one G_ACT activates in its rank (pim.md: 4, one tFAW window). 0 = not stated.
    public var gactBanks: Int
    /// Bursts one GWRITE (query broadcast) takes (pim.md: 32). 0 = not stated.
    public var gwriteBursts: Int
    /// How the KV cache is laid out over the buses: a request's whole cache on one bus
    /// (NeuPIMs), or each head of a request placed on its own (spreading small batches).
    public var kvPlacement: KVPlacement = .request

    /// The unit of KV-cache placement onto PIM buses.
    public enum KVPlacement: String, Sendable, Hashable, CaseIterable, Codable {
        case request, head
    }

    public init(placement: Placement, macsPerUnit: Int, banksPerUnit: Int, rowBuffersPerBank: Int,
                compIntervalCycles: Int, compEnergy: Double, gactEnergy: Double, energyPerBit: Double,
                powerCapFraction: Double = 1, readresEnergy: Double = 0, gwriteEnergy: Double = 0,
                compPipelineFill: Int = 0, gactBanks: Int = 0, gwriteBursts: Int = 0) {
        self.readresEnergy = readresEnergy; self.gwriteEnergy = gwriteEnergy
        self.compPipelineFill = compPipelineFill; self.gactBanks = gactBanks; self.gwriteBursts = gwriteBursts
        self.placement = placement; self.macsPerUnit = macsPerUnit; self.banksPerUnit = banksPerUnit
        self.rowBuffersPerBank = rowBuffersPerBank; self.compIntervalCycles = compIntervalCycles
        self.compEnergy = compEnergy; self.gactEnergy = gactEnergy; self.energyPerBit = energyPerBit
        self.powerCapFraction = powerCapFraction
    }
}
