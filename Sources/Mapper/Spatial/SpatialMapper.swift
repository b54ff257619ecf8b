import EinsimCore
import Foundation
import EinsumIR
import HardwareModel

/// Maps a cascade onto a machine whose compute lives in a few arrays fed by an on-chip buffer (an
/// ASIC spatial array, an NPU, a PIM system): one fusion group per pass of the cascade (adjacent
/// passes fuse when the intermediates crossing between them fit whole in the buffer), each Einsum
/// bound to the unit with its dominant operation, the query and key ranks tiled above the buffer
/// (`p` outer, `m` inner: K and V are re-read per query tile, Q stays), and the tiles spread over
/// the array's rows (queries) and columns (keys, or the head dimension).
public struct SpatialMapper: Sendable {
    public let cascade: Cascade
    /// Shape names → sizes (B, H, M, P, E, F; M0 is set to the key tile).
    public let sizes: [String: Int]
    public let machine: Machine

    public init(cascade: Cascade, sizes: [String: Int], machine: Machine) {
        self.cascade = cascade; self.sizes = sizes; self.machine = machine
    }

    /// Candidate (query tile, key tile) pairs: powers of two from 16 up to the rank, and the rank.
    public func tileCandidates() -> [(Int, Int)] {
        // Powers of two from 16, and the whole rank; tiles beyond 2^16 rows or keys exceed any
        // on-chip buffer, so the ladder stops there (the search stays the same size at 1M tokens).
        func ladder(_ n: Int) -> [Int] {
            var out: [Int] = []
            var t = 16
            while t < n && t <= 1 << 16 { out.append(t); t *= 2 }
            if n <= 1 << 16 { out.append(n) }
            return out.isEmpty ? [min(n, 1 << 16)] : out
        }
        let p = sizes["P"] ?? 1, m = sizes["M"] ?? 1
        let keyTiles = cascade.rank(named: "M0") != nil || cascade.rank(named: "M") != nil ? ladder(m) : [m]
        return ladder(p).flatMap { pt in keyTiles.map { (pt, $0) } }
    }

    /// The cascade bound with the key tile `mt` (M0 where the cascade partitions M).
    public func bound(keyTile mt: Int) throws -> BoundCascade {
        var b = sizes.filter { key, _ in
            guard let rank = cascade.rank(named: key) else { return false }
            if case .partition = rank.shape { return false }
            return true
        }
        if cascade.rank(named: "M0") != nil { b["M0"] = min(mt, sizes["M"] ?? mt) }
        return try cascade.bind(b)
    }

    /// The root rank of an index name (`m` for `m1`, `m0`).
    func root(_ r: String) -> String { cascade.partitionParent(of: r) ?? r }

    /// The mapping for one tile choice, or why it does not fit.
    public func mapping(queryTile pt: Int, keyTile mt: Int, bindings: [EinsumBinding]) throws -> Result<Mapping, Infeasible> {
        let bound = try bound(keyTile: mt)
        let analysis = cascade.passAnalysis()
        let einsums = cascade.einsums
        let buffer = machine.onChipBuffer
        let capacity = (buffer?.capacityBytes ?? 0)
        let size: (String) -> Double = { Double(bound.size(of: $0) ?? 1) }
        // Per pass: Einsum indices.
        func pass(_ i: Int) -> Int { analysis.einsumPass.indices.contains(i) ? analysis.einsumPass[i] : 1 }
        var passes: [Int: [Int]] = [:]
        for i in einsums.indices { passes[analysis.einsumPass.indices.contains(i) ? analysis.einsumPass[i] : 1, default: []].append(i) }
        let order = passes.keys.sorted()
        var producedBy: [String: Int] = [:]
        for (i, e) in einsums.enumerated() { producedBy[e.outputTensor] = i }
        let initialized = Set(cascade.initializations.map(\.outputTensor))
        func extents(_ tensor: String) -> [String: Double] {
            var x: [String: Double] = [:]
            // Partition parts index their own extents (SX[t1] holds T1 values; BK[m1, m0] M1 × M0).
            for r in cascade.tensor(named: tensor)?.ranks ?? [] { x[root(r), default: 1] *= size(r) }
            return x
        }
        /// Bytes of an intermediate live inside its group: one query tile, one key tile (the
        /// running value of an iterative rank is one element), whole fibers of the other ranks.
        func tileBytes(_ tensor: String) -> Double {
            guard let t = cascade.tensor(named: tensor) else { return 0 }
            var elements = 1.0
            for r in t.ranks {
                let rr = root(r)
                if rr == "b" || rr == "h" { continue }
                if rr == "p" { elements *= Double(min(pt, Int(size("p")))); continue }
                if rr == "m" {
                    if cascade.partition(outer: r) != nil { continue }           // m1: the running value
                    elements *= r == rr ? Double(min(mt, Int(size("m")))) : size(r)  // m0: the key tile
                    continue
                }
                elements *= size(rr)
            }
            return elements * t.precision.bytes
        }
        /// Bytes of an intermediate crossing a pass boundary, live whole: per query tile, the whole
        /// fiber of every other rank (FuseMax §III-A: O(M) for attention).
        func fiberBytes(_ tensor: String) -> Double {
            guard let t = cascade.tensor(named: tensor) else { return 0 }
            var x = extents(tensor)
            if x["p"] != nil { x["p"] = Double(min(pt, Int(size("p")))) }
            x["b"] = nil; x["h"] = nil
            return x.values.reduce(1, *) * t.precision.bytes
        }
        // Greedy fusion of adjacent passes whose crossing intermediates fit whole per query tile.
        var groups: [[Int]] = []
        var groupPasses: [[Int]] = []
        for p in order {
            let members = passes[p] ?? []
            if let last = groups.last {
                let crossing = Set(members.flatMap { einsums[$0].inputTensors }).filter { t in
                    producedBy[t].map { last.contains($0) } ?? false
                }
                let live = crossing.reduce(0.0) { $0 + fiberBytes($1) }
                if live <= capacity {
                    groups[groups.count - 1] += members
                    groupPasses[groupPasses.count - 1].append(p)
                    continue
                }
            }
            groups.append(members)
            groupPasses.append([p])
        }
        var result: [FusionGroup] = []
        for (g, members) in groups.enumerated() {
            let memberSet = Set(members)
            var crossing: [MappedTensor] = []
            var onChip: [String] = []
            var seen = Set<String>()
            for i in members {
                for t in einsums[i].inputTensors where !seen.contains(t) {
                    seen.insert(t)
                    let producer = producedBy[t]
                    let fromOutside = producer.map { !memberSet.contains($0) } ?? !initialized.contains(t)
                    let copyOfInput = initialized.contains(t) && cascade.tensor(named: t)?.role == .intermediate
                    if copyOfInput {
                        // Initialization copies (BK = K partitioned) read the cascade input they copy.
                        for source in cascade.initializations.filter({ $0.outputTensor == t }).flatMap(\.inputTensors) where !seen.contains(source) {
                            seen.insert(source)
                            crossing.append(MappedTensor(name: source, role: .input, elementBytes: cascade.tensor(named: source)?.precision.bytes ?? 2, extents: extents(source)))
                        }
                    } else if fromOutside, let tensor = cascade.tensor(named: t), tensor.role != .output || producer == nil {
                        crossing.append(MappedTensor(name: t, role: .input, elementBytes: tensor.precision.bytes, extents: extents(t)))
                    } else if !fromOutside || initialized.contains(t) {
                        onChip.append(t)
                    }
                }
            }
            for i in members {
                let out = einsums[i].outputTensor
                let consumedLater = groups.enumerated().contains { h, other in h > g && other.contains { einsums[$0].inputTensors.contains(out) } }
                let isOutput = cascade.tensor(named: out)?.role == .output
                if (consumedLater || isOutput) && !crossing.contains(where: { $0.name == out }) {
                    crossing.append(MappedTensor(name: out, role: .output, elementBytes: cascade.tensor(named: out)?.precision.bytes ?? 2, extents: extents(out)))
                } else if !onChip.contains(out) {
                    onChip.append(out)
                }
            }
            let iterates = Set(members.flatMap { einsums[$0].iterationRanks.map(root) })
            let nest = loopNest(iterates: iterates, tensors: crossing, pt: pt, mt: mt, size: size)
            // Capacity: tiles of the crossing tensors plus the live intermediates.
            let crossingTiles = crossing.reduce(0.0) { acc, t in
                acc + ReuseAnalysis.tile(t, levels: nest.levels, from: 1) * t.elementBytes
            }
            let fused = groupPasses[g].count > 1
            let live = onChip.reduce(0.0) { acc, t in
                // Intermediates crossing a fused pass boundary stay whole; the rest per tile.
                let crossesPass = fused && producedBy[t].map { p in members.contains { i in einsums[i].inputTensors.contains(t) && pass(i) != pass(p) } } ?? false
                return acc + (crossesPass ? fiberBytes(t) : tileBytes(t))
            }
            let needed = crossingTiles + live
            if let buffer, needed > capacity {
                return .failure(Infeasible(level: buffer.name, neededBytes: needed, capacityBytes: capacity))
            }
            let passNames = groupPasses[g].map(String.init).joined(separator: "+")
            result.append(FusionGroup(name: "pass \(passNames): " + members.map { einsums[$0].outputTensor }.joined(separator: ", "),
                                      einsums: members, passes: groupPasses[g], nest: nest, tensors: crossing, onChip: onChip,
                                      bufferBytes: needed))
        }
        return .success(Mapping(name: "auto", bindings: bindings, groups: result, queryTile: pt, keyTile: mt))
    }

    /// DRAM → buffer → array nest of a group that iterates `iterates` (root ranks).
    func loopNest(iterates: Set<String>, tensors: [MappedTensor], pt: Int, mt: Int, size: (String) -> Double) -> LoopNest {
        let main = machine.mainMemory.name
        let bufferName = machine.onChipBuffer?.name ?? main
        let p = size("p"), m = size("m")
        var outer: [Loop] = []
        for r in ["b", "h"] where iterates.contains(r) { outer.append(Loop(r, size(r))) }
        if iterates.contains("p") { outer.append(Loop("p", (p / Double(pt)).rounded(.up), note: "query tiles of \(pt)")) }
        if iterates.contains("m") { outer.append(Loop("m", (m / Double(mt)).rounded(.up), note: "key tiles of \(mt)")) }
        // Inside the buffer: the tile's remaining iterations, then the spread over the main
        // array (rows: queries; columns: keys, or the value dimension when the group has no keys).
        let array = machine.units.filter { $0.kind == .matrix }.max { $0.elements < $1.elements }
        let rows = array?.rows ?? 1, cols = array?.columns ?? 1
        let pTile = Double(min(pt, Int(p))), mTile = Double(min(mt, Int(m)))
        var inner: [Loop] = []
        var spatial: [Loop] = []
        if iterates.contains("p") {
            let sp = min(pTile, Double(rows))
            inner.append(Loop("p", (pTile / sp).rounded(.up)))
            if sp > 1 { spatial.append(Loop("p", sp, spatial: true)) }
        }
        let columnRank = iterates.contains("m") ? "m" : (iterates.contains("f") ? "f" : nil)
        if iterates.contains("m") {
            let sm = min(mTile, Double(cols))
            inner.append(Loop("m", (mTile / sm).rounded(.up)))
            if sm > 1 { spatial.append(Loop("m", sm, spatial: true)) }
        }
        for r in iterates.sorted() where !["b", "h", "p", "m"].contains(r) {
            if r == columnRank {
                let sf = min(size(r), Double(cols))
                inner.append(Loop(r, (size(r) / sf).rounded(.up)))
                if sf > 1 { spatial.append(Loop(r, sf, spatial: true)) }
            } else {
                inner.append(Loop(r, size(r)))
            }
        }
        inner += spatial
        let names = tensors.map(\.name)
        var levels = [LevelNest(level: main, loops: outer, keeps: names)]
        if bufferName != main {
            levels.append(LevelNest(level: bufferName, loops: inner, keeps: names, fanout: arrayDescription(), multicast: true))
        } else {
            levels[0].loops += inner
        }
        return LoopNest(levels: levels)
    }

    func arrayDescription() -> String {
        let arrays = machine.units.filter { $0.kind == .matrix || $0.kind == .pimALU }
        return arrays.map { u in "\(u.instances > 1 ? "\(u.instances) × " : "")\(u.rows.map { r in "\(r)x\(u.columns ?? 1)" } ?? "") \(u.name)" }
            .joined(separator: " + ")
    }

    /// Binds each Einsum to the unit that runs it fastest at a nominal full tile (units that run
    /// every operation class of the Einsum first; issue costs and array shape included).
    public func bindings() throws -> [EinsumBinding] {
        let bound = try bound(keyTile: min(256, sizes["M"] ?? 256))
        let full = bound
        let nominal = min(256, sizes["P"] ?? 256), nominalKeys = min(256, sizes["M"] ?? 256)
        return try cascade.einsums.map { einsum in
            let counts = bound.operationCounts(of: einsum)
            let classes = CostClass.allCases.filter { counts[$0] > 0 }
            guard let dominant = [CostClass.matrixMAC, .specialFunction, .divide, .vectorMul, .vectorAdd, .vectorMax].first(where: { counts[$0] > 0 }) else {
                return EinsumBinding(einsum: einsum.text.trimmingCharacters(in: .whitespacesAndNewlines), output: einsum.outputTensor, operation: .vectorAdd, unit: "(copy)", issueSlots: 0)
            }
            let capable = machine.units.filter { u in classes.allSatisfy { (u.rate[$0] ?? 0) > 0 } }
            let candidates = capable.isEmpty ? machine.units.filter { ($0.rate[dominant] ?? 0) > 0 } : capable
            // Operands streamed from main memory (cascade inputs, directly or through their
            // initialization copies): a unit beside the DRAM banks reads them in-bank, any other
            // unit over the external bus.
            let streamed = Set(einsum.inputTensors.flatMap { inputSources($0) })
            let streamedBytes = streamed.reduce(0.0) { $0 + full.bytes(of: $1) }
            func time(_ u: Machine.Unit) -> Double {
                let util = utilization(of: einsum, on: u, pt: nominal, mt: nominalKeys)
                let compute = classes.reduce(0.0) { acc, c in
                    let rate = u.throughput(c, clockHz: machine.clockHz)
                    return acc + (rate > 0 ? counts[c] / (rate * util) : 0)
                }
                let bandwidth = inBankBandwidth(u) ?? machine.mainMemory.bandwidth
                return max(compute, streamedBytes / bandwidth)
            }
            guard let best = candidates.min(by: { time($0) < time($1) || (time($0) == time($1) && $0.name < $1.name) }) else {
                throw SimpleInputError("no compute unit of '\(machine.name)' runs \(dominant.rawValue), which Einsum \(einsum.outputTensor) needs",
                                       at: einsum.location, suggestion: "list \(dominant.rawValue) in a unit's <operations> (with an <issueCost> if it takes several slots)")
            }
            let slots = machine.profile.unit(named: best.name)?.issueSlots(for: dominant) ?? 1
            return EinsumBinding(einsum: einsum.text.trimmingCharacters(in: .whitespacesAndNewlines), output: einsum.outputTensor, operation: dominant, unit: best.name, issueSlots: slots)
        }
    }

    /// The cascade inputs a tensor carries: itself for an input, the copied inputs for an
    /// initialization copy (`BK = K` partitioned), nothing for an intermediate.
    public func inputSources(_ tensor: String) -> [String] {
        guard let t = cascade.tensor(named: tensor) else { return [] }
        if t.role == .input { return [tensor] }
        return cascade.initializations.filter { $0.outputTensor == tensor }.flatMap(\.inputTensors)
            .filter { cascade.tensor(named: $0)?.role == .input }
    }

    /// Bytes per second a processing-in-memory unit reads from its banks (one operand element, at
    /// the machine's operand precision, per MAC at its MAC rate), or nil for a unit that is not
    /// beside the banks.
    public func inBankBandwidth(_ u: Machine.Unit) -> Double? {
        guard u.kind == .pimALU, u.servedBy.contains(machine.mainMemory.name) else { return nil }
        return u.throughput(.matrixMAC, clockHz: machine.clockHz) * machine.precision.bytes
    }

    /// Fraction of a unit's processing elements an Einsum keeps busy at this tile choice: the
    /// array's rows and columns (a 1-D array's lanes) take the Einsum's parallel ranks — queries,
    /// keys or a head dimension, at their tile extents — in the assignment that fills the most;
    /// padding of the last row/column tile counts as idle, and a dimension no rank fills keeps
    /// one lane busy.
    public func utilization(of einsum: Einsum, on unit: Machine.Unit, pt: Int, mt: Int) -> Double {
        let ranks = Set(einsum.iterationRanks.map(root))
        func fill(_ n: Double, _ lanes: Int) -> Double {
            guard lanes > 1, n > 0 else { return 1 }
            return n / ((n / Double(lanes)).rounded(.up) * Double(lanes))
        }
        let rows = unit.rows ?? 1, cols = unit.columns ?? 1
        var extents: [Double] = []
        if ranks.contains("p") { extents.append(Double(min(pt, sizes["P"] ?? pt))) }
        if ranks.contains("m") { extents.append(Double(min(mt, sizes["M"] ?? mt))) }
        if ranks.contains("f") { extents.append(Double(sizes["F"] ?? 1)) }
        if ranks.contains("e") { extents.append(Double(sizes["E"] ?? 1)) }
        func fillOrOne(_ i: Int?, _ lanes: Int) -> Double {
            guard let i else { return lanes > 1 ? 1 / Double(lanes) : 1 }
            return fill(extents[i], lanes)
        }
        var u = fillOrOne(nil, rows) * fillOrOne(nil, cols)
        let choices: [Int?] = [nil] + extents.indices.map { Optional($0) }
        for r in choices {
            for c in choices where c == nil || c != r {
                u = max(u, fillOrOne(r, rows) * fillOrOne(c, cols))
            }
        }
        return max(u, 1e-9)
    }
}
