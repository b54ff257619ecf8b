/// The command state of one DRAM bus (a channel or pseudo-channel): per bank, per rank and per
/// bus, the times that constrain the next command. Each `issue…` call places one command at the
/// earliest cycle ≥ `earliest` that honours every constraint and returns that cycle: the state is
/// closed-form per bank (no cycle loop). Commands are placed in call order (the caller's
/// priority) but a later call may land earlier in time, as a controller with lookahead would
/// issue an ACT for the next bank while the current row is still being read.
///
/// Times are whole cycles held in Doubles (exact below 2^53 cycles). −∞ means "never".
struct DRAMChannel: Hashable {
    let p: DRAMTimingParameters
    // per bank (index = (rank × bankGroups + bankGroup) × banksPerGroup + bank)
    var rowOpen: [Bool], actTime: [Double], actReady: [Double], lastRead: [Double], lastWrite: [Double]
    var pimOpen: [Bool], pimActTime: [Double], pimReady: [Double]
    // per rank
    var lastACT: [Double], lastACTInGroup: [[Double]], fawWindow: [[Double]]
    // per bus
    var lastReadCmd = -Double.infinity, lastWriteCmd = -Double.infinity
    var lastReadInGroup: [Double], lastWriteInGroup: [Double]
    var lastWriteGroup = -1
    var pimSequencer = 0.0, lastComp = -Double.infinity, compsSince = -Double.infinity, compsInTile = 0.0
    var lastReadres = -Double.infinity, lastGwrite = -Double.infinity
    var nextRefresh: Double, blockedUntil = 0.0
    var refreshEnabled: Bool
    /// Latest issue cycle so far.
    var latest = 0.0
    /// No command issues before this cycle: the first command of the previous unit (a row or a
    /// tile) — units start in order, as a controller's queue serves them. The translation reference.
    var floor = 0.0
    /// Earliest command issued since the caller last reset it (the start of the current unit).
    var earliestSinceMark = Double.infinity
    var counts = DRAMCommandCounts()
    var log: [DRAMCommandRecord]?

    init(_ parameters: DRAMTimingParameters, refresh: Bool, recording: Bool = false) {
        p = parameters
        let banks = parameters.banksPerBus, never = -Double.infinity
        rowOpen = Array(repeating: false, count: banks); actTime = Array(repeating: never, count: banks)
        actReady = Array(repeating: 0, count: banks); lastRead = Array(repeating: never, count: banks)
        lastWrite = Array(repeating: never, count: banks); pimOpen = Array(repeating: false, count: banks)
        pimActTime = Array(repeating: never, count: banks); pimReady = Array(repeating: 0, count: banks)
        lastACT = Array(repeating: never, count: parameters.ranks)
        lastACTInGroup = Array(repeating: Array(repeating: never, count: parameters.bankGroups), count: parameters.ranks)
        fawWindow = Array(repeating: [], count: parameters.ranks)
        lastReadInGroup = Array(repeating: never, count: parameters.bankGroups)
        lastWriteInGroup = Array(repeating: never, count: parameters.bankGroups)
        refreshEnabled = refresh && parameters.tREFI > 0
        nextRefresh = refreshEnabled ? parameters.tREFI : .infinity
        log = recording ? [] : nil
    }

    func index(_ a: DRAMBankAddress) -> Int { (a.rank * p.bankGroups + a.bankGroup) * p.banksPerGroup + a.bank }
    var dualRowBuffer: Bool { p.rowBuffers >= 2 }

    private mutating func record(_ kind: DRAMCommandKind, _ cycle: Double, _ a: DRAMBankAddress?) {
        counts[kind] += 1
        latest = max(latest, cycle)
        earliestSinceMark = min(earliestSinceMark, cycle)
        log?.append(DRAMCommandRecord(kind: kind, cycle: cycle, rank: a?.rank ?? -1, bankGroup: a?.bankGroup ?? -1, bank: a?.bank ?? -1))
    }

    /// The first cycle ≥ `t` outside refresh blocking.
    private func unblocked(_ t: Double) -> Double { max(t, blockedUntil, floor) }

    // MARK: normal commands

    /// Cycle from which `rank` may take `count` more activations (tRRD_S/L, tFAW window).
    private func activationReady(rank: Int, bankGroup: Int?, count: Int) -> Double {
        var t = lastACT[rank] + p.tRRD_S
        if let bankGroup { t = max(t, lastACTInGroup[rank][bankGroup] + p.tRRD_L) }
        else { t = max(t, (lastACTInGroup[rank].max() ?? -.infinity) + p.tRRD_L) }
        let window = fawWindow[rank], w = DRAMTimingParameters.activationsPerFAW, k = min(count, w)
        // after adding k, the (w+1)-th most recent activation must be tFAW old
        if window.count >= w - k + 1 { t = max(t, window[window.count - (w - k + 1)] + p.tFAW) }
        return t
    }

    private mutating func noteActivations(rank: Int, bankGroups: [Int], at t: Double) {
        lastACT[rank] = max(lastACT[rank], t)
        for group in bankGroups { lastACTInGroup[rank][group] = max(lastACTInGroup[rank][group], t) }
        fawWindow[rank].append(contentsOf: Array(repeating: t, count: bankGroups.count))
        fawWindow[rank].sort()
        let w = DRAMTimingParameters.activationsPerFAW
        if fawWindow[rank].count > w { fawWindow[rank].removeFirst(fawWindow[rank].count - w) }
    }

    /// Earliest precharge of the normal row of bank `b` (tRAS, read-to-precharge, write recovery).
    private func prechargeReady(_ b: Int) -> Double {
        max(actTime[b] + p.tRAS, lastRead[b] + p.tRTP_L, lastWrite[b] + p.CWL + p.burst + p.tWR)
    }

    /// Earliest precharge of the PIM row of bank `b` (tRAS; a COMP reads like a column read).
    private func pimPrechargeReady(_ b: Int) -> Double {
        max(pimActTime[b] + p.tRAS, lastComp + p.tRTP_S)
    }

    @discardableResult
    mutating func activate(_ a: DRAMBankAddress, earliest: Double = 0) -> Double {
        let b = index(a)
        if rowOpen[b] { precharge(a, earliest: earliest) }
        if !dualRowBuffer, pimOpen[b] { closePIMRow(b, a, earliest: earliest) }
        var t = max(earliest, actReady[b], activationReady(rank: a.rank, bankGroup: a.bankGroup, count: 1))
        if dualRowBuffer { t = max(t, pimActTime[b] + p.tRRD_L) } else { t = max(t, pimReady[b]) }
        t = unblocked(t)
        rowOpen[b] = true; actTime[b] = t
        noteActivations(rank: a.rank, bankGroups: [a.bankGroup], at: t)
        record(.activate, t, a)
        return t
    }

    @discardableResult
    mutating func precharge(_ a: DRAMBankAddress, earliest: Double = 0) -> Double {
        let b = index(a)
        let t = unblocked(max(earliest, prechargeReady(b)))
        rowOpen[b] = false; actReady[b] = max(actReady[b], t + p.tRP)
        if !dualRowBuffer { pimReady[b] = max(pimReady[b], t + p.tRP) }
        record(.precharge, t, a)
        return t
    }

    /// A column read of the open row of `a` (opens it first when closed).
    @discardableResult
    mutating func read(_ a: DRAMBankAddress, earliest: Double = 0) -> Double {
        let b = index(a)
        if !rowOpen[b] { activate(a, earliest: earliest) }
        var t = max(earliest, actTime[b] + p.tRCD, lastReadCmd + max(p.burst, p.tCCD_S),
                    lastReadInGroup[a.bankGroup] + p.tCCD_L, lastReadres + max(p.burst, p.tCCD_S))
        // write-to-read turnaround after the write data: tWTR_L in the same group, else tWTR_S
        let sameGroup = lastWriteGroup == a.bankGroup
        t = max(t, lastWriteCmd + p.CWL + p.burst + (sameGroup ? p.tWTR_L : p.tWTR_S), lastGwrite + p.CWL + p.burst + p.tWTR_S)
        t = unblocked(t)
        lastReadCmd = t; lastReadInGroup[a.bankGroup] = t; lastRead[b] = t
        record(.read, t, a)
        return t
    }

    /// A column write to the open row of `a` (opens it first when closed).
    @discardableResult
    mutating func write(_ a: DRAMBankAddress, earliest: Double = 0) -> Double {
        let b = index(a)
        if !rowOpen[b] { activate(a, earliest: earliest) }
        // read-to-write turnaround: the read data leaves the bus, plus one cycle (JEDEC RL + BL/2 − WL + 1)
        let readToWrite = lastReadCmd + p.CL + p.burst + 1 - p.CWL
        let t = unblocked(max(earliest, actTime[b] + p.tRCDWR, lastWriteCmd + max(p.burst, p.tCCD_WR_S),
                              lastWriteInGroup[a.bankGroup] + p.tCCD_WR_L, readToWrite))
        lastWriteCmd = t; lastWriteInGroup[a.bankGroup] = t; lastWrite[b] = t; lastWriteGroup = a.bankGroup
        record(.write, t, a)
        return t
    }

    // MARK: refresh

    /// The earliest cycle every open row (normal and PIM) can be closed and precharged.
    private func allClosedReady() -> Double {
        var t = -Double.infinity
        for b in 0..<p.banksPerBus {
            if rowOpen[b] { t = max(t, prechargeReady(b) + p.tRP) }
            if pimOpen[b] { t = max(t, pimPrechargeReady(b) + p.tRP) }
            t = max(t, actReady[b], pimReady[b])
        }
        return t
    }

    /// Issues the due all-bank refresh: closes open rows, blocks the bus for tRFC and, when
    /// tRFC outlasts every constraint, forgets the history (the state after it is canonical).
    mutating func refresh() {
        guard refreshEnabled else { return }
        let t = max(nextRefresh, allClosedReady(), blockedUntil)
        for b in 0..<p.banksPerBus where rowOpen[b] || pimOpen[b] {
            counts[rowOpen[b] ? .precharge : .pimPrecharge] += 1
            rowOpen[b] = false; pimOpen[b] = false
        }
        record(.refresh, t, nil)
        blockedUntil = t + p.tRFC
        nextRefresh += p.tREFI
        while nextRefresh < blockedUntil { nextRefresh += p.tREFI }
        if p.tRFC >= p.longestConstraint { forgetHistory(before: blockedUntil) }
    }

    private mutating func forgetHistory(before t: Double) {
        let never = -Double.infinity
        for b in 0..<p.banksPerBus {
            actTime[b] = never; lastRead[b] = never; lastWrite[b] = never; pimActTime[b] = never
            actReady[b] = t; pimReady[b] = t
        }
        for r in 0..<p.ranks {
            lastACT[r] = never; fawWindow[r] = []
            for g in 0..<p.bankGroups { lastACTInGroup[r][g] = never }
        }
        for g in 0..<p.bankGroups { lastReadInGroup[g] = never; lastWriteInGroup[g] = never }
        lastReadCmd = never; lastWriteCmd = never; lastWriteGroup = -1
        lastComp = never; compsSince = never; compsInTile = 0; lastReadres = never; lastGwrite = never
        pimSequencer = max(pimSequencer, t)
    }

    // MARK: PIM commands

    private mutating func closePIMRow(_ b: Int, _ a: DRAMBankAddress, earliest: Double) {
        let t = unblocked(max(earliest, pimPrechargeReady(b)))
        pimOpen[b] = false; pimReady[b] = max(pimReady[b], t + p.tRP)
        if !dualRowBuffer { actReady[b] = max(actReady[b], t + p.tRP) }
        record(.pimPrecharge, t, a)
    }

    /// PIM_PRECHARGE: closes every open PIM row of the bus; the PIM sequencer waits tRP after it
    /// (as the public simulator counts num_precharge × tRP).
    @discardableResult
    mutating func pimPrecharge(earliest: Double = 0) -> Double {
        var t = max(earliest, pimSequencer)
        for b in 0..<p.banksPerBus where pimOpen[b] { t = max(t, pimPrechargeReady(b)) }
        t = unblocked(t)
        for b in 0..<p.banksPerBus where pimOpen[b] {
            pimOpen[b] = false; pimReady[b] = max(pimReady[b], t + p.tRP)
            if !dualRowBuffer { actReady[b] = max(actReady[b], t + p.tRP) }
        }
        pimSequencer = t + p.tRP
        record(.pimPrecharge, t, nil)
        return t
    }

    /// G_ACT: opens the PIM row of `banks` (one rank) at once; they count against the rank's
    /// tFAW window together. Dual row buffer: a bank's normal ACT and PIM ACT are tRRD_L apart;
    /// single: the normal row is closed first (ACT to PIM ACT ≥ tRC).
    @discardableResult
    mutating func gact(rank: Int, banks: [DRAMBankAddress], earliest: Double = 0) -> Double {
        var t = max(earliest, pimSequencer, activationReady(rank: rank, bankGroup: nil, count: banks.count))
        for a in banks {
            let b = index(a)
            if !dualRowBuffer, rowOpen[b] { precharge(a, earliest: earliest) }
            if pimOpen[b] { closePIMRow(b, a, earliest: earliest) }
            t = max(t, pimReady[b], lastACTInGroup[rank][a.bankGroup] + p.tRRD_L)
            if dualRowBuffer { t = max(t, actTime[b] + p.tRRD_L) } else { t = max(t, actReady[b]) }
        }
        t = unblocked(t)
        for a in banks { let b = index(a); pimOpen[b] = true; pimActTime[b] = t }
        noteActivations(rank: rank, bankGroups: banks.map(\.bankGroup), at: t)
        record(.gact, t, banks.first)
        return t
    }

    /// COMP: one dot-product step broadcast to every bank with an open PIM row (after tRCD).
    @discardableResult
    mutating func comp(earliest: Double = 0) -> Double {
        var t = max(earliest, lastComp + p.compInterval)
        for b in 0..<p.banksPerBus where pimOpen[b] { t = max(t, pimActTime[b] + p.tRCD) }
        t = unblocked(t)
        if compsInTile == 0 { compsSince = t }
        compsInTile += 1
        lastComp = t
        record(.comp, t, nil)
        return t
    }

    /// READRES: reads one result burst out over the data bus, once the COMP pipeline has run
    /// max(COMPs, pipeline fill) steps; bursts are max(burst, tCCD_L) apart.
    @discardableResult
    mutating func readres(earliest: Double = 0) -> Double {
        let steps = max(compsInTile, p.compPipelineFill)
        var t = max(earliest, compsSince + steps * p.compInterval, lastComp + p.compInterval, lastReadres + max(p.burst, p.tCCD_L),
                    lastReadCmd + max(p.burst, p.tCCD_S))
        t = unblocked(t)
        lastReadres = t
        compsInTile = 0
        record(.readres, t, nil)
        return t
    }

    /// One GWRITE burst (query broadcast into the bank-local registers), tCCD_S + tCCD_L apart.
    @discardableResult
    mutating func gwrite(earliest: Double = 0) -> Double {
        let t = unblocked(max(earliest, lastGwrite + p.tCCD_S + p.tCCD_L, lastReadCmd + p.CL + p.burst + 1 - p.CWL))
        lastGwrite = t
        record(.gwrite, t, nil)
        return t
    }

    // MARK: translation

    /// The state with every time moved by `delta` (for extrapolating a repeated pattern).
    func shifted(by delta: Double) -> DRAMChannel {
        var s = self
        func move(_ values: inout [Double]) { for i in values.indices { values[i] += delta } }
        move(&s.actTime); move(&s.actReady); move(&s.lastRead); move(&s.lastWrite)
        move(&s.pimActTime); move(&s.pimReady); move(&s.lastACT)
        for r in s.lastACTInGroup.indices { move(&s.lastACTInGroup[r]) }
        for r in s.fawWindow.indices { move(&s.fawWindow[r]) }
        move(&s.lastReadInGroup); move(&s.lastWriteInGroup)
        s.lastReadCmd += delta; s.lastWriteCmd += delta; s.pimSequencer += delta; s.lastComp += delta
        s.compsSince += delta; s.lastReadres += delta; s.lastGwrite += delta
        s.nextRefresh += delta; s.blockedUntil += delta; s.latest += delta; s.floor += delta
        return s
    }

    /// An upper bound on how far past a command any constraint reaches.
    private var horizon: Double {
        p.tRAS + p.tRP + p.tFAW + p.CL + p.CWL + 2 * p.burst + p.tWR + p.tWTR_L + p.tRCD + p.tRCDWR + p.tCCD_L
            + p.tCCD_WR_L + p.tRRD_L + p.tRTP_L + p.tCCD_S + p.compInterval + 2
    }

    /// The state relative to ``floor``, without counts or log, with times that can no longer
    /// constrain a command (no command issues before the floor) dropped: two states with equal
    /// keys evolve identically up to translation.
    var canonicalKey: DRAMChannel {
        var s = shifted(by: -floor)
        let h = horizon
        func stale(_ v: inout Double) { if v + h <= 0 { v = -.infinity } }
        func past(_ v: inout Double) { if v <= 0 { v = 0 } }
        func staleAll(_ values: inout [Double]) { for i in values.indices { stale(&values[i]) } }
        staleAll(&s.actTime); staleAll(&s.lastRead); staleAll(&s.lastWrite); staleAll(&s.pimActTime); staleAll(&s.lastACT)
        for r in s.lastACTInGroup.indices { staleAll(&s.lastACTInGroup[r]) }
        for r in s.fawWindow.indices { staleAll(&s.fawWindow[r]) }
        staleAll(&s.lastReadInGroup); staleAll(&s.lastWriteInGroup)
        stale(&s.lastReadCmd); stale(&s.lastWriteCmd); stale(&s.lastComp); stale(&s.lastReadres); stale(&s.lastGwrite)
        if s.lastWriteCmd == -.infinity { s.lastWriteGroup = -1 }
        if s.compsInTile == 0 { s.compsSince = -.infinity }
        for i in s.actReady.indices { past(&s.actReady[i]); past(&s.pimReady[i]) }
        past(&s.pimSequencer); past(&s.blockedUntil)
        s.latest = 0; s.earliestSinceMark = .infinity
        s.counts = DRAMCommandCounts(); s.log = nil
        return s
    }
}
