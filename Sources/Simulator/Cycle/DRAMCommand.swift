import HardwareModel

/// A DRAM or PIM command (the PIM ones as in the NeuPIMs public simulator, pim.md).
public enum DRAMCommandKind: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case activate, read, write, precharge, refresh
    case gwrite, gact, comp, readres, pimPrecharge

    /// The command's name as DRAM datasheets and pim.md write it.
    public var description: String {
        switch self {
        case .activate: return "ACT"
        case .read: return "RD"
        case .write: return "WR"
        case .precharge: return "PRE"
        case .refresh: return "REF"
        case .gwrite: return "GWRITE"
        case .gact: return "G_ACT"
        case .comp: return "COMP"
        case .readres: return "READRES"
        case .pimPrecharge: return "PIM_PRECHARGE"
        }
    }
}

/// How many commands of each kind were issued (Double: a 1M-token stream issues billions).
public struct DRAMCommandCounts: Sendable, Hashable {
    public private(set) var values: [Double] = Array(repeating: 0, count: DRAMCommandKind.allCases.count)

    public init() {}

    public subscript(kind: DRAMCommandKind) -> Double {
        get { values[kind.rawValue] }
        set { values[kind.rawValue] = newValue }
    }

    mutating func add(_ other: DRAMCommandCounts, times factor: Double = 1) {
        for index in values.indices { values[index] += other.values[index] * factor }
    }

    func subtracting(_ other: DRAMCommandCounts) -> DRAMCommandCounts {
        var result = self
        for index in values.indices { result.values[index] -= other.values[index] }
        return result
    }

    /// Energy of these commands from the profile's per-command energies (ACT includes its PRE;
    /// refresh is charged as background power elsewhere, so REF adds nothing here).
    public func energy(dram: DRAMOrganization, pim: PIMOrganization?) -> Double {
        var joules = self[.activate] * dram.activateEnergy + self[.read] * dram.readEnergy + self[.write] * dram.writeEnergy
        if let pim {
            joules += self[.gact] * pim.gactEnergy + self[.comp] * pim.compEnergy
                + self[.readres] * pim.readresEnergy + self[.gwrite] * pim.gwriteEnergy
        }
        return joules
    }
}

/// One issued command (kept only when a log is asked for: tests and traces).
public struct DRAMCommandRecord: Sendable, Hashable {
    public var kind: DRAMCommandKind
    /// Issue cycle on the bus (tCK cycles from the start).
    public var cycle: Double
    public var rank: Int
    public var bankGroup: Int
    /// Bank within its group (-1 for a command to every bank: REF, COMP, PIM_PRECHARGE).
    public var bank: Int
}

/// A bank on one bus: rank, bank group, bank within the group.
public struct DRAMBankAddress: Sendable, Hashable {
    public var rank: Int
    public var bankGroup: Int
    public var bank: Int

    public init(rank: Int = 0, bankGroup: Int, bank: Int) {
        self.rank = rank; self.bankGroup = bankGroup; self.bank = bank
    }
}
