import EinsimCore
import HardwareModel
import Mapper

/// Latency and energy of a ``SpatialPlan`` from first principles, fast enough to score a million
/// candidates a second:
/// - **compute**: each Einsum's operations on its bound unit at the unit's rate (issue costs from
///   the profile) divided by the fraction of the unit's lanes the plan's spatial factors fill
///   (`p0` queries × `m0` keys per score, `p0` per query-only Einsum; padding of the last tile is
///   idle). Classes a unit lacks run on the fastest other unit that has them.
/// - **traffic**: per group, cascade inputs indexed by keys only are read once per query block
///   (once in all where they fit whole per head), the others once; intermediates crossing groups
///   go to DRAM and back; everything that reaches the arrays passes the buffer, operands
///   multicast along the spatial rank that does not index them; intermediates handed between
///   units or across a pass go through the buffer; same-unit, same-pass intermediates stay in the
///   processing elements' registers.
/// - **capacity**: the query block's rows, double-buffered key tiles and, for groups that fuse
///   passes, the live fiber of the key rank per query row (doubled when pipelined).
/// - **time** per group: pipelined, the busiest of its units, DRAM and buffer plus the fill of one
///   tile iteration; sequential, the units' busy times added. Groups run in order.
/// - **energy**: operations × energy per operation, bytes × energy per byte per level, and the
///   profile's idle power × time.
public struct SpatialCostModel: Sendable {
    public let problem: SpatialProblem
    let unitCount: Int
    let einsumCount: Int
    /// Seconds of Einsum i on unit u at full utilization for the classes u runs, per key tile:
    /// index `(kt * einsumCount + i) * unitCount + u`.
    let ownSeconds: [Double]
    /// Seconds lent to other units (classes u lacks), same index, with the unit that takes them.
    let lentSeconds: [Double]
    let lentUnit: [Int]
    let joules: [Double]
    let lanes: [Double]
    let instances: [Double]
    let pimInBank: [Double]
    let mainBandwidth: Double
    let bufferBandwidth: Double
    let bufferCapacity: Double
    let mainRead: Double, mainWrite: Double, bufferRead: Double, bufferWrite: Double
    let idleWatts: Double
    let launch: Double
    let inBankJoulesPerByte: Double
    /// Einsums that read each Einsum's output.
    let consumersOf: [[Int]]
    let maxInstances: Double
    let inBankRate: Double
    /// Whether any Einsum hands a pass-crossing tensor inside a group (fibers to account).
    let hasPassCrossing: Bool

    /// Plain-value views of the problem for the hot loop (no reference counting per access).
    struct EinsumView { var pass: Int; var keyed: Bool; var perKey: Bool; var query: Bool; var hasClasses: Bool
                        var inputStart: Int; var inputCount: Int; var output: Int }
    struct InputView { var tensor: Int; var producer: Int; var carried: Bool; var registerReuse: Double }
    struct TensorView { var byKey: Bool; var byQuery: Bool; var inner: Double; var elementBytes: Double; var isOutput: Bool }
    let einsumViews: [EinsumView]
    let inputViews: [InputView]
    let tensorViews: [TensorView]
    /// Bytes of tensor t at key tile kt: index `kt * tensors + t`; points of Einsum i: `kt * einsums + i`.
    let tensorBytes: [Double]
    let einsumPoints: [Double]
    /// Dequantizing a quantized KV cache: the unit that runs it (-1: none needed), its seconds
    /// and joules per element (a multiply and an add), and the bytes per element.
    let dequantUnit: Int
    let dequantSecondsPerElement: Double
    let dequantJoulesPerElement: Double
    let kvBytesPerElement: Double
    /// Whether a quantized KV cache can be dequantized here (or none needs to be).
    public var dequantizes: Bool { problem.kvCacheBytesPerElement == nil || dequantUnit >= 0 }

    public init(problem: SpatialProblem) {
        self.problem = problem
        let machine = problem.machine
        let units = machine.units
        unitCount = units.count
        einsumCount = problem.einsums.count
        let clock = machine.clockHz
        var own: [Double] = [], lent: [Double] = [], lentTo: [Int] = [], energy: [Double] = []
        for kt in problem.keyTiles.indices {
            for (i, e) in problem.einsums.enumerated() {
                // Matrix MACs at the Einsum's operand precision (the unit's path for it).
                let matrixUnits = problem.matrixMachine(i).units
                for (u, base) in units.enumerated() {
                    var s = 0.0, l = 0.0, j = 0.0
                    var to = -1
                    for c in e.classes {
                        let n = e.counts[kt][c]
                        let unit = c == .matrixMAC ? matrixUnits[u] : base
                        if (unit.rate[c] ?? 0) > 0 {
                            s += n / unit.throughput(c, clockHz: clock)
                            j += n * (unit.energy[c] ?? 0)
                        } else if let other = units.indices.filter({ $0 != u && (units[$0].rate[c] ?? 0) > 0 })
                                    .max(by: { units[$0].throughput(c, clockHz: clock) < units[$1].throughput(c, clockHz: clock) }) {
                            let lender = c == .matrixMAC ? matrixUnits[other] : units[other]
                            l += n / lender.throughput(c, clockHz: clock)
                            j += n * (lender.energy[c] ?? 0)
                            to = other
                        } else {
                            s = .infinity
                        }
                    }
                    own.append(s); lent.append(l); lentTo.append(to); energy.append(j)
                }
            }
        }
        ownSeconds = own; lentSeconds = lent; lentUnit = lentTo; joules = energy
        lanes = units.map { Double(max(1, $0.elements)) }
        instances = units.map { Double(max(1, $0.instances)) }
        let main = machine.mainMemory
        pimInBank = units.map { u in
            guard u.kind == .pimALU, u.servedBy.contains(main.name) else { return 0 }
            return u.throughput(.matrixMAC, clockHz: clock) * machine.precision.bytes
        }
        mainBandwidth = main.bandwidth
        mainRead = main.readJoulesPerByte; mainWrite = main.writeJoulesPerByte
        let buffer = machine.onChipBuffer
        bufferBandwidth = buffer?.bandwidth ?? main.bandwidth
        bufferCapacity = buffer.map { $0.capacityBytes * Double($0.instances) } ?? 0
        bufferRead = buffer?.readJoulesPerByte ?? 0; bufferWrite = buffer?.writeJoulesPerByte ?? 0
        idleWatts = machine.idleWatts
        launch = machine.launchOverheadSeconds
        maxInstances = instances.max() ?? 1
        inBankRate = pimInBank.reduce(0, +)
        hasPassCrossing = problem.einsums.contains { e in e.inputs.contains { input in input.producer.map { problem.einsums[$0].pass < e.pass } ?? false } }
        consumersOf = problem.einsums.indices.map { i in
            problem.einsums.indices.filter { j in problem.einsums[j].inputs.contains { $0.producer == i } }
        }
        inBankJoulesPerByte = (machine.profile.pim?.energyPerBit).map { $0 * 8 } ?? main.readJoulesPerByte
        var ev: [EinsumView] = [], iv: [InputView] = []
        for e in problem.einsums {
            ev.append(EinsumView(pass: e.pass, keyed: e.key != .none, perKey: e.key == .perKey, query: e.query, hasClasses: !e.classes.isEmpty,
                                 inputStart: iv.count, inputCount: e.inputs.count, output: e.output))
            for input in e.inputs {
                iv.append(InputView(tensor: input.tensor, producer: input.producer ?? -1, carried: input.carried, registerReuse: input.registerReuse))
            }
        }
        einsumViews = ev; inputViews = iv
        tensorViews = problem.tensors.map { TensorView(byKey: $0.byKey, byQuery: $0.byQuery, inner: $0.innerElements,
                                                       elementBytes: $0.elementBytes, isOutput: $0.role == .output) }
        tensorBytes = problem.keyTiles.indices.flatMap { kt in problem.tensors.map { $0.bytes[kt] } }
        if let bytes = problem.kvCacheBytesPerElement,
           let u = units.indices.filter({ (units[$0].rate[.vectorMul] ?? 0) > 0 && (units[$0].rate[.vectorAdd] ?? 0) > 0 })
               .max(by: { units[$0].throughput(.vectorAdd, clockHz: clock) < units[$1].throughput(.vectorAdd, clockHz: clock) }) {
            dequantUnit = u
            dequantSecondsPerElement = 1 / units[u].throughput(.vectorMul, clockHz: clock) + 1 / units[u].throughput(.vectorAdd, clockHz: clock)
            dequantJoulesPerElement = (units[u].energy[.vectorMul] ?? 0) + (units[u].energy[.vectorAdd] ?? 0)
            kvBytesPerElement = bytes
        } else {
            dequantUnit = -1; dequantSecondsPerElement = 0; dequantJoulesPerElement = 0; kvBytesPerElement = 2
        }
        einsumPoints = problem.keyTiles.indices.flatMap { kt in problem.einsums.map { $0.points[kt] } }
    }

    /// Cost of one plan: totals, and per group and Einsum when `detail` is set.
    public struct Cost: Sendable {
        public var seconds: Double = 0
        public var joules: Double = 0
        public var dramBytes: Double = 0
        public var inBankBytes: Double = 0
        public var bufferBytes: Double = 0
        /// Busy seconds and full-rate (useful) seconds per unit.
        public var busy: [Double] = []
        public var useful: [Double] = []
        public var dynamicJoules: Double = 0
        /// Dynamic energy of main memory, in-bank reads and the on-chip buffer.
        public var dramJoules: Double = 0
        public var inBankJoules: Double = 0
        public var bufferJoules: Double = 0
        public var groups: [Group] = []
        public var einsums: [EinsumCost] = []
        /// Seconds each resource needs, summed over groups (units by name, levels by name).
        public var resources: [String: Double] = [:]
        /// Which level overflowed when infeasible.
        public var overflow: (level: String, needed: Double, capacity: Double)?

        public struct Group: Sendable {
            public var seconds: Double
            public var joules: Double
            public var dramBytes: Double
            public var bufferNeeded: Double
            public var bound: String
            /// What the cycle engine needs to unroll the group's loop: per-Einsum unit and busy
            /// time (in cascade order), the memory times, the iterations of the pipelined loop
            /// and the fixed launch time.
            public var stages: [(einsum: String, unit: String, seconds: Double)] = []
            public var dramSeconds: Double = 0
            public var bufferSeconds: Double = 0
            public var inBankSeconds: Double = 0
            public var iterations: Double = 1
            public var pipelined: Bool = true
            public var launchSeconds: Double = 0
        }
        public struct EinsumCost: Sendable {
            public var name: String
            public var unit: String
            public var seconds: Double
            public var joules: Double
            public var utilization: Double
        }
    }

    /// Fraction of unit u's lanes Einsum i keeps busy at the plan's spatial factors.
    @inline(__always)
    func utilization(_ i: Int, _ u: Int, _ plan: SpatialPlan.Group, blocks: Double) -> Double {
        let e = einsumViews[i]
        let p = Double(problem.queries), m = Double(problem.keys)
        var spread = 1.0, fill = 1.0
        if e.query {
            let p0 = min(Double(plan.queryLanes), p)
            spread *= p0
            fill *= p / ((p / p0).rounded(.up) * p0)
        }
        if e.perKey {
            let m0 = min(Double(plan.keyTile), m)
            spread *= m0
            fill *= m / ((m / m0).rounded(.up) * m0)
        }
        let l = lanes[u]
        let laneFill = spread >= l ? (spread / l) / (spread / l).rounded(.up) : spread / l
        let inst = instances[u] > 1 ? min(1, blocks / instances[u]) : 1
        return max(1e-12, min(1, laneFill) * fill * inst)
    }

    /// Scores `plan`; `detail` fills the per-group and per-Einsum breakdowns.
    public func cost(_ plan: SpatialPlan, detail: Bool = false) -> Cost {
        var c = Cost()
        c.busy = [Double](repeating: 0, count: unitCount)
        c.useful = [Double](repeating: 0, count: unitCount)
        var groupOf = [Int](repeating: -1, count: einsumCount)
        for (g, group) in plan.groups.enumerated() { for i in group.einsums { groupOf[i] = g } }
        for g in plan.groups.indices {
            addGroup(g, of: plan, groupOf: groupOf, into: &c, detail: detail)
            if c.overflow != nil { c.seconds = .infinity; c.joules = .infinity; return c }
        }
        c.joules = c.dynamicJoules + idleWatts * c.seconds
        return c
    }

    /// Seconds and dynamic joules of group `g` alone (nil when it overflows a level), for the
    /// search, which tiles and binds each group independently.
    public func groupScore(_ g: Int, of plan: SpatialPlan, groupOf: [Int]) -> Cost {
        var c = Cost()
        c.busy = [Double](repeating: 0, count: unitCount)
        c.useful = [Double](repeating: 0, count: unitCount)
        addGroup(g, of: plan, groupOf: groupOf, into: &c, detail: false)
        if c.overflow != nil { c.seconds = .infinity; c.joules = .infinity; return c }
        c.joules = c.dynamicJoules + idleWatts * c.seconds
        return c
    }

    func addGroup(_ g: Int, of plan: SpatialPlan, groupOf: [Int], into c: inout Cost, detail: Bool) {
        let group = plan.groups[g]
        guard let kt = problem.keyTileIndex(group.keyTile) else {
            c.overflow = ("key tile \(group.keyTile)", 0, 0)
            return
        }
        let einsums = einsumViews
        let tensorCount = tensorViews.count
        let p = Double(problem.queries), m = Double(problem.keys)
        let bh = Double(problem.batch * problem.heads)
        let pb = min(Double(group.queryBlock), p)
        let p2 = (p / pb).rounded(.up)
        let p0 = min(Double(group.queryLanes), p)
        let m0 = min(Double(group.keyTile), m)
        let m1 = (m / m0).rounded(.up)
        let blocks = bh * (p / p0).rounded(.up)
        // Tiles the mask lets the mapping skip: computed tiles (p0 × m0), key tiles a query block
        // needs (pb rows), key tiles any query needs (the first read).
        let sparsity = problem.sparsity
        let tileKept = sparsity.tileFraction(rows: p0, keys: m0)
        let keyTilesKept = sparsity.keyTileFraction(rows: pb, keys: m0)
        let keyTilesFirstRead = sparsity.keyTileFraction(rows: p, keys: m0)
        let members = group.einsums
        do {
            var busy = (0..<unitCount).map { _ in 0.0 }
            var stages: [(einsum: String, unit: String, seconds: Double)] = []
            var energy = 0.0
            var dramRead = 0.0, dramWrite = 0.0, inBank = 0.0, buffer = 0.0
            var passMask: UInt64 = 0
            var keyed = false
            for i in members {
                passMask |= 1 << UInt64(min(max(einsums[i].pass, 0), 63))
                if einsums[i].keyed { keyed = true }
            }
            let passCount = passMask.nonzeroBitCount
            let fused = passCount > 1
            // Compute.
            for i in members {
                let u = plan.binding[i]
                if u < 0 || !einsums[i].hasClasses { continue }
                let idx = (kt * einsumCount + i) * unitCount + u
                let util = utilization(i, u, group, blocks: blocks)
                let kept = einsums[i].keyed ? tileKept : 1
                let t = ownSeconds[idx] / util * kept
                busy[u] += t
                c.useful[u] += ownSeconds[idx] * kept
                let lu = lentUnit[idx]
                if lu >= 0 { busy[lu] += lentSeconds[idx] * kept; c.useful[lu] += lentSeconds[idx] * kept }
                energy += joules[idx] * kept
                if detail {
                    let units = problem.machine.units, name = problem.einsums[i].name
                    c.einsums.append(.init(name: name, unit: units[u].name, seconds: t + lentSeconds[idx] * kept,
                                           joules: joules[idx] * kept, utilization: util))
                    stages.append((name, units[u].name, t))
                    if lu >= 0 { stages.append((name + " (lent)", units[lu].name, lentSeconds[idx] * kept)) }
                }
            }
            // Traffic and capacity.
            var queryRows = 0.0, keyTiles = 0.0, keyWhole = 0.0, streamed = 0.0
            var keyFromMemory = 0.0     // bytes of K/V read from memory (first reads and re-reads)
            var keyReads = 0.0          // bytes of key-indexed inputs, per query block
            // Tensors already counted (a bit per tensor; cascades beyond 64 tensors use the set).
            var seenMask: UInt64 = 0
            var seenSet = Set<Int>()
            func firstSight(_ t: Int) -> Bool {
                if t < 64 {
                    let bit: UInt64 = 1 << UInt64(t)
                    if seenMask & bit != 0 { return false }
                    seenMask |= bit
                    return true
                }
                return seenSet.insert(t).inserted
            }
            // Live fiber bytes per pass boundary, each pass-crossing tensor counted once.
            var fiberLive: [Int: Double] = [:]
            for i in members {
                let e = einsums[i]
                let u = plan.binding[i]
                for inputIndex in e.inputStart..<(e.inputStart + e.inputCount) {
                    let input = inputViews[inputIndex]
                    let t = tensorViews[input.tensor]
                    let inside = input.producer >= 0 && groupOf[input.producer] == g
                    let pimOnly = u >= 0 && pimInBank[u] > 0
                    if !inside {
                        if firstSight(input.tensor) {
                            let bytes = tensorBytes[kt * tensorCount + input.tensor]
                            if t.byKey && !t.byQuery {
                                keyReads += bytes * keyTilesKept
                                keyTiles += 2 * m0 * t.inner * t.elementBytes
                                keyWhole += bytes / bh
                                // once (the key tiles any query needs); re-reads added below
                                if pimOnly { inBank += bytes * keyTilesFirstRead } else { dramRead += bytes * keyTilesFirstRead }
                                keyFromMemory += bytes * keyTilesFirstRead
                            } else {
                                let share = t.byKey ? tileKept : 1
                                if pimOnly { inBank += bytes * share } else { dramRead += bytes * share }
                                if t.byQuery && !t.byKey { queryRows += pb * t.inner * t.elementBytes }
                                else { streamed += 2 * p0 * m0 * t.inner * t.elementBytes }
                            }
                        }
                    } else if hasPassCrossing, input.producer >= 0 {
                        // Pass-crossing intermediates of a fused group stay whole per query block.
                        let producer = input.producer
                        if einsums[producer].pass < e.pass && t.byKey {
                            for b in einsums[producer].pass..<e.pass {
                                let live = pb * m * t.inner * t.elementBytes
                                if fiberLive[b * 100_000 + input.tensor] == nil { fiberLive[b * 100_000 + input.tensor] = live }
                            }
                        }
                    }
                    // Operands from the buffer: anything not in this unit's registers.
                    let inRegisters = inside && !input.carried && plan.binding[input.producer] == u && einsums[input.producer].pass == e.pass
                    if !inRegisters && !pimOnly {
                        var multicast = 1.0
                        if e.perKey && !t.byKey { multicast *= m0 }
                        if e.query && !t.byQuery { multicast *= p0 }
                        multicast = min(multicast, u >= 0 ? lanes[u] : 1)
                        buffer += einsumPoints[kt * einsumCount + i] / max(1, multicast) / input.registerReuse * t.elementBytes * (e.keyed ? tileKept : 1)
                    }
                }
                // Outputs: leave the group, or go to the buffer for another unit or a later pass.
                let out = tensorViews[e.output]
                let outBytes = tensorBytes[kt * tensorCount + e.output]
                let consumers = consumersOf[i]
                var leaves = out.isOutput, handedOver = false
                for j in consumers {
                    if groupOf[j] != g { leaves = true }
                    if plan.binding[j] != u || einsums[j].pass != e.pass { handedOver = true }
                }
                let outShare = out.byKey ? tileKept : 1
                if leaves {
                    dramWrite += outBytes * outShare
                    buffer += outBytes * outShare
                } else if handedOver {
                    buffer += outBytes * outShare
                }
                if !out.byKey && out.byQuery { queryRows += pb * out.inner * out.elementBytes }
            }
            // Fibers live per pass boundary; the peak boundary counts.
            var perBoundary: [Int: Double] = [:]
            for (key, bytes) in fiberLive { perBoundary[key / 100_000, default: 0] += bytes }
            let fiber = (perBoundary.values.max() ?? 0) * (plan.schedule == .pipelined && fused ? 2 : 1)
            let base = queryRows + streamed + fiber
            var needed = base + keyTiles
            let kvFits = keyReads > 0 && base + keyWhole <= bufferCapacity
            if kvFits { needed = base + keyWhole }
            else {
                // Key-indexed inputs are read again for every further query block.
                let reread = keyReads * (p2 - 1)
                if members.allSatisfy({ plan.binding[$0] < 0 || pimInBank[plan.binding[$0]] > 0 }) { inBank += reread } else { dramRead += reread }
                keyFromMemory += reread
            }
            // A quantized KV cache is dequantized as it arrives, every time it is read.
            if dequantUnit >= 0, keyFromMemory > 0 {
                let elements = keyFromMemory / kvBytesPerElement
                busy[dequantUnit] += elements * dequantSecondsPerElement
                c.useful[dequantUnit] += elements * dequantSecondsPerElement
                energy += elements * dequantJoulesPerElement
                if detail {
                    stages.insert(("dequantize K/V", problem.machine.units[dequantUnit].name, elements * dequantSecondsPerElement), at: 0)
                }
            }
            if bufferCapacity > 0 && needed > bufferCapacity {
                c.overflow = (problem.machine.onChipBuffer?.name ?? "buffer", needed, bufferCapacity)
                return
            }
            let dram = dramRead + dramWrite
            buffer += dram
            let dramJ = dramRead * mainRead + dramWrite * mainWrite
            let inBankJ = inBank * inBankJoulesPerByte
            let bufferJ = buffer * 0.5 * (bufferRead + bufferWrite)
            energy += dramJ + inBankJ + bufferJ
            c.dramJoules += dramJ; c.inBankJoules += inBankJ; c.bufferJoules += bufferJ
            let dramT = dram / mainBandwidth
            let inBankT = inBankRate > 0 ? inBank / inBankRate : 0
            let bufferT = bufferCapacity > 0 ? buffer / bufferBandwidth : 0
            var maxBusy = 0.0, sumBusy = 0.0, busiest = -1
            for u in 0..<unitCount {
                sumBusy += busy[u]
                if busy[u] > maxBusy { maxBusy = busy[u]; busiest = u }
                c.busy[u] += busy[u]
            }
            let perPass = Double(max(passCount, 1))
            let iterations = max(1, blocks * (keyed ? m1 * tileKept : 1) * perPass / maxInstances)
            var seconds: Double
            var bound: String
            if plan.schedule == .pipelined {
                seconds = max(maxBusy, dramT, bufferT, inBankT)
                seconds += (sumBusy - maxBusy) / iterations
            } else {
                seconds = max(sumBusy, dramT, bufferT, inBankT)
            }
            let boundSeconds = seconds
            seconds += launch
            c.seconds += seconds
            c.dynamicJoules += energy
            c.dramBytes += dram
            c.inBankBytes += inBank
            c.bufferBytes += buffer
            if detail {
                let units = problem.machine.units
                if boundSeconds == dramT { bound = problem.machine.mainMemory.name }
                else if boundSeconds == inBankT { bound = problem.machine.mainMemory.name + " (in-bank)" }
                else if boundSeconds == bufferT { bound = problem.machine.onChipBuffer?.name ?? "buffer" }
                else { bound = busiest >= 0 ? units[busiest].name : "none" }
                var detailGroup = Cost.Group(seconds: seconds, joules: energy, dramBytes: dram, bufferNeeded: needed, bound: bound)
                detailGroup.stages = stages
                detailGroup.dramSeconds = dramT; detailGroup.bufferSeconds = bufferT; detailGroup.inBankSeconds = inBankT
                detailGroup.iterations = iterations; detailGroup.pipelined = plan.schedule == .pipelined
                detailGroup.launchSeconds = launch
                c.groups.append(detailGroup)
                for u in 0..<unitCount where busy[u] > 0 { c.resources[units[u].name, default: 0] += busy[u] }
                c.resources[problem.machine.mainMemory.name, default: 0] += dramT
                if inBankT > 0 { c.resources[problem.machine.mainMemory.name + " (in-bank)", default: 0] += inBankT }
                if let b = problem.machine.onChipBuffer { c.resources[b.name, default: 0] += bufferT }
            }
                }
    }
}

extension SpatialCostModel {
    /// Seconds of each Einsum on each unit at `plan`'s tiling (index `i * units + u`), for the
    /// search's bounds.
    public func unitTimes(_ plan: SpatialPlan.Group) -> [Double] {
        var table = [Double](repeating: .infinity, count: einsumCount * unitCount)
        guard let kt = problem.keyTileIndex(plan.keyTile) else { return table }
        let p = Double(problem.queries)
        let blocks = Double(problem.batch * problem.heads) * (p / min(Double(plan.queryLanes), p)).rounded(.up)
        for i in 0..<einsumCount {
            for u in 0..<unitCount {
                let idx = (kt * einsumCount + i) * unitCount + u
                let kept = problem.einsums[i].key == .none ? 1 : problem.sparsity.tileFraction(rows: min(Double(plan.queryLanes), p), keys: min(Double(plan.keyTile), Double(problem.keys)))
                table[i * unitCount + u] = problem.einsums[i].classes.isEmpty ? 0 : ownSeconds[idx] / utilization(i, u, plan, blocks: blocks) * kept
            }
        }
        return table
    }

    /// A bound no binding of `plan`'s tiling can beat: every Einsum on its fastest host, the work
    /// spread evenly over the units, the compulsory traffic at the fastest path.
    public func lowerBound(_ plan: SpatialPlan.Group, table: [Double], hosts: [[Int]], objective: Objective) -> Double {
        guard let kt = problem.keyTileIndex(plan.keyTile) else { return .infinity }
        var sum = 0.0, longest = 0.0, energy = 0.0
        let tileKept = problem.sparsity.tileFraction(rows: min(Double(plan.queryLanes), Double(problem.queries)),
                                                     keys: min(Double(plan.keyTile), Double(problem.keys)))
        for i in plan.einsums where !hosts[i].isEmpty {
            var t = Double.infinity, j = Double.infinity
            for u in hosts[i] {
                t = min(t, table[i * unitCount + u])
                j = min(j, joules[(kt * einsumCount + i) * unitCount + u])
            }
            if problem.einsums[i].key != .none { j *= tileKept }
            sum += t; longest = max(longest, t); energy += j
        }
        // Compulsory traffic counts toward the bound of the group that reads the queries.
        var touched = Set<Int>()
        for i in plan.einsums {
            for input in problem.einsums[i].inputs where problem.tensors[input.tensor].role == .input { touched.insert(input.tensor) }
            if problem.tensors[problem.einsums[i].output].role == .output { touched.insert(problem.einsums[i].output) }
        }
        // K and V: only the key tiles some query needs (at this tile width).
        let firstRead = problem.sparsity.keyTileFraction(rows: Double(problem.queries), keys: min(Double(plan.keyTile), Double(problem.keys)))
        let bytes = touched.reduce(0.0) { acc, t in
            let tensor = problem.tensors[t]
            return acc + tensor.bytes[kt] * (tensor.byKey && !tensor.byQuery ? firstRead : 1)
        }
        let inBank = pimInBank.reduce(0, +)
        let seconds = max(sum / Double(max(unitCount, 1)), longest, bytes / max(mainBandwidth, inBank))
        energy += bytes * min(mainRead, inBank > 0 ? inBankJoulesPerByte : mainRead)
        energy += idleWatts * seconds
        return objective.score(seconds: seconds, joules: energy)
    }
}
