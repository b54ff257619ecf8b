import HardwareModel

/// One PIM GEMV tile on one bus, as the NeuPIMs public simulator counts it (pim.md): PIM
/// precharges, G_ACTs (each opening the PIM row of `gactBanks` banks of one rank; they
/// alternate ranks), COMP steps broadcast to the open banks, and READRES bursts of results.
public struct PIMGEMVTile: Sendable, Hashable {
    public var precharges: Int
    public var gacts: Int
    public var comps: Int
    public var readres: Int
    /// Broadcast the query with GWRITE bursts before the tile (a new query vector).
    public var gwrite: Bool

    public init(precharges: Int, gacts: Int, comps: Int, readres: Int, gwrite: Bool = false) {
        self.precharges = precharges; self.gacts = gacts; self.comps = comps; self.readres = readres; self.gwrite = gwrite
    }
}

/// What a command stream cost.
public struct DRAMTimingResult: Sendable, Hashable {
    /// Cycles of tCK until the stream is done (the slowest bus).
    public var cycles: Double
    public var seconds: Double
    /// Commands over every bus.
    public var counts: DRAMCommandCounts
    /// Energy of those commands from the profile's per-command energies, in joules.
    public var energyJoules: Double
    /// Units (rows or tiles) actually placed on the slowest bus; the rest were extrapolated.
    public var simulatedUnits: Int
    /// The slowest bus's commands in issue order (only when recording; only simulated units).
    public var log: [DRAMCommandRecord]
}

/// Command-level DRAM/PIM timing for a profile: streams of commands placed on each bus with the
/// closed-form per-bank state of ``DRAMChannel`` and, for long streams, extrapolated exactly: at
/// each refresh (or, without refresh, each round of rows over the banks) the bus state relative
/// to its latest command is compared with earlier ones; once it repeats, the whole repeating
/// stretch is skipped (counts and time multiplied), because the placement rules are
/// translation-invariant. So a 1M-token KV read costs a few thousand command placements.
///
/// Simplifications (documented, not hidden): all-bank refresh per bus every tREFI, and a row or
/// a PIM tile is never split by a refresh (it moves after the refresh, or, when longer than a
/// refresh interval, the refresh waits for it); row and column commands have separate command
/// buses (HBM); rows are interleaved over bank groups first, then ranks, then banks.
public struct DRAMCommandTiming: Sendable {
    public let dram: DRAMOrganization
    public let pim: PIMOrganization?
    public let parameters: DRAMTimingParameters

    /// Throws ``DRAMTimingError`` when the profile lacks a field the engine needs.
    public init(dram: DRAMOrganization, pim: PIMOrganization? = nil) throws {
        self.dram = dram
        self.pim = pim
        parameters = try DRAMTimingParameters(dram: dram, pim: pim)
    }

    /// The bank holding row `row` of a stream on one bus.
    func bank(ofRow row: Int) -> DRAMBankAddress {
        let p = parameters
        return DRAMBankAddress(rank: (row / p.bankGroups) % p.ranks, bankGroup: row % p.bankGroups,
                               bank: (row / (p.bankGroups * p.ranks)) % p.banksPerGroup)
    }

    // MARK: streaming reads

    /// Reads `bytes` spread evenly over every bus, row by row (ACT, the row's bursts, PRE).
    /// `extrapolate: false` places every row (for checking the extrapolation).
    public func streamingRead(bytes: Double, refresh: Bool = true, recording: Bool = false, extrapolate: Bool = true) -> DRAMTimingResult {
        let burstBytes = dram.burstBytes
        let bursts = bytes.isFinite && bytes > 0 ? min((bytes / burstBytes).rounded(.up), 9e15) : 0
        let burstsPerRow = max(1, Int((dram.rowBytes / burstBytes).rounded(.down)))
        return perBus(units: bursts) { busBursts in
            let rows = (busBursts + burstsPerRow - 1) / burstsPerRow
            return runUnits(rows, refresh: refresh, recording: recording, extrapolate: extrapolate, phasePeriod: parameters.banksPerBus) { channel, row in
                let a = bank(ofRow: row)
                let count = row == rows - 1 ? busBursts - row * burstsPerRow : burstsPerRow
                channel.activate(a)
                for _ in 0..<count { channel.read(a) }
                let pre = channel.precharge(a)
                return pre + parameters.tRP
            } finish: { channel in channel.lastReadCmd + parameters.CL + parameters.burst }
        }
    }

    // MARK: PIM GEMV

    /// `tiles` GEMV tiles spread evenly over every bus, back to back on each.
    /// The time of a bus is its last READRES issue (as pim.md's latency formula counts it).
    public func pimGEMV(_ tile: PIMGEMVTile, tiles: Double = 1, refresh: Bool = true, recording: Bool = false,
                        extrapolate: Bool = true) -> DRAMTimingResult {
        let count = tiles.isFinite && tiles > 0 ? min(tiles.rounded(.up), 9e15) : 0
        return perBus(units: count) { busTiles in
            runUnits(busTiles, refresh: refresh, recording: recording, extrapolate: extrapolate, phasePeriod: 1) { channel, _ in
                placeTile(tile, on: &channel)
            } finish: { channel in channel.lastReadres }
        }
    }

    /// Places one tile; returns its last command's cycle.
    func placeTile(_ tile: PIMGEMVTile, on channel: inout DRAMChannel) -> Double {
        let p = parameters
        var last = channel.pimSequencer
        if tile.gwrite {
            for _ in 0..<Int(p.gwriteBursts) { last = channel.gwrite(earliest: channel.pimSequencer) }
            channel.pimSequencer = max(channel.pimSequencer, last + p.tCCD_S + p.tCCD_L)
        }
        for _ in 0..<max(0, tile.precharges) { last = channel.pimPrecharge() }
        let perRank = max(1, p.banksPerRank / max(1, p.gactBanks))
        for g in 0..<max(0, tile.gacts) {
            let rank = g % p.ranks, set = (g / p.ranks) % perRank
            let banks = (0..<max(1, p.gactBanks)).map { i -> DRAMBankAddress in
                let inRank = (set * p.gactBanks + i) % p.banksPerRank
                return DRAMBankAddress(rank: rank, bankGroup: inRank % p.bankGroups, bank: inRank / p.bankGroups)
            }
            last = channel.gact(rank: rank, banks: banks)
        }
        for _ in 0..<max(0, tile.comps) { last = channel.comp() }
        for _ in 0..<max(0, tile.readres) { last = channel.readres() }
        return last
    }

    /// `count` whole GEMVs back to back on ONE bus (a channel or pseudo-channel): each places its
    /// tiles in order, a GWRITE before the tiles listed in ``PIMGEMV/gwriteBeforeTile``.
    /// The time is the bus's last READRES issue.
    public func pimGEMVsOnOneBus(_ gemv: PIMGEMV, count: Int, refresh: Bool = true, recording: Bool = false) -> DRAMTimingResult {
        let run = runUnits(max(0, count), refresh: refresh, recording: recording, extrapolate: true, phasePeriod: 1) { channel, _ in
            var last = channel.pimSequencer
            for (index, tile) in gemv.tiles.enumerated() {
                var t = tile
                t.gwrite = gemv.gwriteBeforeTile.contains(index)
                last = placeTile(t, on: &channel)
            }
            return last
        } finish: { channel in channel.lastReadres }
        return DRAMTimingResult(cycles: run.cycles, seconds: run.cycles * dram.tCKSeconds, counts: run.counts,
                                energyJoules: run.counts.energy(dram: dram, pim: pim), simulatedUnits: run.simulated, log: run.log)
    }

    /// GWRITE latency of one query broadcast: (tCCD_S + tCCD_L) × bursts (pim.md).
    public var gwriteCycles: Double { (parameters.tCCD_S + parameters.tCCD_L) * parameters.gwriteBursts }

    // MARK: driver

    /// Splits `units` over the buses (some get one more), times the fullest, sums the counts.
    private func perBus(units: Double, _ run: (Int) -> (cycles: Double, counts: DRAMCommandCounts, simulated: Int, log: [DRAMCommandRecord])) -> DRAMTimingResult {
        let buses = Double(dram.independentBuses)
        let low = (units / buses).rounded(.down), extra = units - low * buses
        let big = run(Int(low + (extra > 0 ? 1 : 0)))
        var counts = DRAMCommandCounts()
        counts.add(big.counts, times: extra > 0 ? extra : buses)
        if extra > 0, buses - extra > 0 { counts.add(run(Int(low)).counts, times: buses - extra) }
        return DRAMTimingResult(cycles: big.cycles, seconds: big.cycles * dram.tCKSeconds, counts: counts,
                                energyJoules: counts.energy(dram: dram, pim: pim), simulatedUnits: big.simulated, log: big.log)
    }

    private struct Key: Hashable { var state: DRAMChannel; var phase: Int }
    private struct Mark { var unit: Int; var floor: Double; var counts: DRAMCommandCounts }

    /// Places `units` units on one bus (refreshing between units when due) and skips repeats.
    private func runUnits(_ units: Int, refresh: Bool, recording: Bool, extrapolate: Bool, phasePeriod: Int,
                          place: (inout DRAMChannel, Int) -> Double,
                          finish: (DRAMChannel) -> Double) -> (cycles: Double, counts: DRAMCommandCounts, simulated: Int, log: [DRAMCommandRecord]) {
        var channel = DRAMChannel(parameters, refresh: refresh, recording: recording)
        var seen: [Key: Mark] = [:]
        var detecting = extrapolate, simulated = 0, unit = 0, justRefreshed = false
        let boundaryEvery = max(1, phasePeriod)
        while unit < units {
            var trial = channel
            trial.earliestSinceMark = .infinity
            let end = place(&trial, unit)
            if trial.refreshEnabled, end > channel.nextRefresh, !justRefreshed {
                channel.refresh()
                justRefreshed = true
                if detecting { detecting = checkRepeat(&channel, &unit, units, &seen, phasePeriod: phasePeriod) }
                continue
            }
            channel = trial
            if channel.earliestSinceMark.isFinite { channel.floor = max(channel.floor, channel.earliestSinceMark) }
            justRefreshed = false
            unit += 1; simulated += 1
            if detecting, !channel.refreshEnabled, unit % boundaryEvery == 0 {
                detecting = checkRepeat(&channel, &unit, units, &seen, phasePeriod: phasePeriod)
            }
        }
        return (units > 0 ? finish(channel) : 0, channel.counts, simulated, channel.log ?? [])
    }

    /// Records the state at a boundary; on a repeat, skips whole repeats (leaving the last unit
    /// to be placed) and returns false (detection is over).
    private func checkRepeat(_ channel: inout DRAMChannel, _ unit: inout Int, _ units: Int,
                             _ seen: inout [Key: Mark], phasePeriod: Int) -> Bool {
        let key = Key(state: channel.canonicalKey, phase: unit % max(1, phasePeriod))
        guard let before = seen[key] else {
            seen[key] = Mark(unit: unit, floor: channel.floor, counts: channel.counts)
            return seen.count < 4096
        }
        let stride = unit - before.unit
        guard stride > 0 else { return false }
        let repeats = max(0, (units - 1 - unit) / stride)
        guard repeats > 0 else { return false }
        let delta = channel.floor - before.floor
        let perRepeat = channel.counts.subtracting(before.counts)
        let log = channel.log
        channel = channel.shifted(by: Double(repeats) * delta)
        channel.counts.add(perRepeat, times: Double(repeats))
        channel.log = log
        unit += repeats * stride
        return false
    }
}
