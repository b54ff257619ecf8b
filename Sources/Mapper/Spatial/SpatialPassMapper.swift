import EinsimCore
import HardwareModel

/// Maps a ``SpatialPass`` onto a spatial machine: each Einsum bound to a unit that runs its
/// operations, its ranks laid onto the unit's rows and columns (up to two ranks per dimension,
/// whole), the binding chosen to balance the units' loads. Utilization follows from the spatial
/// factors: a dimension holding `n` elements on `d` lanes is busy `n / (⌈n/d⌉·d)` of the time.
public enum SpatialPassMapper {
    /// One Einsum's place: its unit, the ranks on each array dimension, the fraction of the unit's
    /// lanes they fill, and its busy seconds on its unit and on the unit it lends classes to.
    public struct Placement: Sendable, Hashable {
        public var einsum: String
        public var unit: Int
        public var rowRanks: [String]
        public var columnRanks: [String]
        public var utilization: Double
        public var seconds: Double
        /// Seconds of classes the unit lacks, run on `lentUnit` (-1: none).
        public var lentSeconds: Double
        public var lentUnit: Int
        public var joules: Double
    }

    /// The mapped pass.
    public struct Plan: Sendable, Hashable {
        public var pass: SpatialPass
        public var placements: [Placement]
        /// Busy seconds per unit (index into the machine's units).
        public var unitSeconds: [Double]
        /// Whether the live intermediates fit the on-chip buffer (else they spill to DRAM).
        public var spills: Bool
        /// Iterations the Einsums pipeline over: the fused loop's iterations less the part of
        /// the outer ranks an Einsum lays out spatially (the largest such part).
        public var iterations: Double
    }

    /// A mapping of `pass` onto `machine`; `machines` resolves the machine at another matrix
    /// precision (an Einsum whose `matrixPrecision` differs from `machine.precision`). Refuses an
    /// Einsum no unit runs, naming the class.
    public static func map(_ pass: SpatialPass, machine: Machine, machines: [Precision: Machine] = [:]) throws -> Plan {
        let units = machine.units
        let clock = machine.clockHz
        struct Option { var unit: Int; var rows: [String]; var columns: [String]; var util: Double
                        var seconds: Double; var lent: Double; var lentUnit: Int; var joules: Double }
        var options: [[Option]] = []
        for e in pass.einsums {
            let classes = CostClass.allCases.filter { e.operations[$0] > 0 }
            let resolved = e.matrixPrecision.flatMap { machines[$0] } ?? machine
            func rate(_ u: Int, _ c: CostClass) -> Double {
                let unit = c == .matrixMAC ? resolved.units[u] : units[u]
                return unit.throughput(c, clockHz: clock)
            }
            func energy(_ u: Int, _ c: CostClass) -> Double {
                (c == .matrixMAC ? resolved.units[u] : units[u]).energy[c] ?? 0
            }
            var hosts = units.indices.filter { u in !classes.isEmpty && classes.allSatisfy { rate(u, $0) > 0 } }
            if hosts.isEmpty, let lead = [CostClass.matrixMAC, .specialFunction, .divide, .vectorMul, .vectorAdd, .vectorMax].first(where: classes.contains) {
                hosts = units.indices.filter { rate($0, lead) > 0 }
            }
            if classes.isEmpty { hosts = [] }
            guard classes.isEmpty || !hosts.isEmpty else {
                let missing = classes.first { c in !units.indices.contains { rate($0, c) > 0 } } ?? classes[0]
                throw SimulationError.unsupported("Einsum '\(e.name)' of '\(pass.name)' needs \(missing.rawValue) operations at \(e.matrixPrecision?.rawValue ?? machine.precision.rawValue), which no unit of '\(machine.name)' runs")
            }
            var list: [Option] = []
            for u in hosts {
                let fit = layout(e, on: units[u])
                var s = 0.0, l = 0.0, j = 0.0, to = -1
                for c in classes {
                    let n = e.operations[c]
                    if rate(u, c) > 0 {
                        s += n / (rate(u, c) * fit.util)
                        j += n * energy(u, c)
                    } else if let other = units.indices.filter({ $0 != u && rate($0, c) > 0 }).max(by: { rate($0, c) < rate($1, c) }) {
                        j += n * energy(other, c)
                        l += n / (rate(other, c) * layout(e, on: units[other]).util)
                        to = other
                    } else {
                        throw SimulationError.unsupported("Einsum '\(e.name)' of '\(pass.name)' needs \(c.rawValue) operations, which no unit of '\(machine.name)' runs")
                    }
                }
                list.append(Option(unit: u, rows: fit.rows, columns: fit.columns, util: fit.util, seconds: s, lent: l, lentUnit: to, joules: j))
            }
            options.append(list)
        }
        // Longest Einsums first, each on the host that leaves the busiest unit least busy.
        var load = [Double](repeating: 0, count: units.count)
        var chosen = [Int?](repeating: nil, count: pass.einsums.count)
        let order = pass.einsums.indices.sorted { a, b in
            let ta = options[a].map { $0.seconds + $0.lent }.min() ?? 0, tb = options[b].map { $0.seconds + $0.lent }.min() ?? 0
            return ta != tb ? ta > tb : a < b
        }
        for i in order where !options[i].isEmpty {
            var best = 0, bestKey = (Double.infinity, Double.infinity)
            for (k, o) in options[i].enumerated() {
                var after = load
                after[o.unit] += o.seconds
                if o.lentUnit >= 0 { after[o.lentUnit] += o.lent }
                let key = (after.max() ?? 0, o.seconds + o.lent)
                if key.0 < bestKey.0 || (key.0 == bestKey.0 && key.1 < bestKey.1) { best = k; bestKey = key }
            }
            let o = options[i][best]
            load[o.unit] += o.seconds
            if o.lentUnit >= 0 { load[o.lentUnit] += o.lent }
            chosen[i] = best
        }
        let placements = pass.einsums.indices.map { i -> Placement in
            guard let k = chosen[i] else {
                return Placement(einsum: pass.einsums[i].name, unit: -1, rowRanks: [], columnRanks: [], utilization: 0, seconds: 0, lentSeconds: 0, lentUnit: -1, joules: 0)
            }
            let o = options[i][k]
            return Placement(einsum: pass.einsums[i].name, unit: o.unit, rowRanks: o.rows, columnRanks: o.columns, utilization: o.util,
                             seconds: o.seconds, lentSeconds: o.lent, lentUnit: o.lentUnit, joules: o.joules)
        }
        let capacity = machine.onChipBuffer.map { $0.capacityBytes * Double($0.instances) } ?? 0
        let outer = Dictionary(uniqueKeysWithValues: zip(pass.outerRanks, pass.outerExtents))
        let spatialOuter = placements.map { p in (p.rowRanks + p.columnRanks).reduce(1.0) { $0 * Double(outer[$1] ?? 1) } }.max() ?? 1
        return Plan(pass: pass, placements: placements, unitSeconds: load, spills: pass.liveIntermediateBytes > capacity,
                    iterations: max(1, pass.iterations / spatialOuter))
    }

    /// The spatial layout of an Einsum's ranks on a unit that fills the most lanes: up to two
    /// whole ranks on the rows and up to two others on the columns (the fewest ranks on a tie).
    /// A unit whose shape the profile does not give counts as fully used.
    public static func layout(_ e: SpatialPass.Einsum, on unit: Machine.Unit) -> (rows: [String], columns: [String], util: Double) {
        guard let rows = unit.rows, rows > 0 else { return ([], [], 1) }
        let columns = max(1, unit.columns ?? 1)
        let n = e.ranks.count
        var subsets: [[Int]] = [[]]
        for a in 0..<n { subsets.append([a]) }
        for a in 0..<n { for b in (a + 1)..<n { subsets.append([a, b]) } }
        func fill(_ s: [Int], _ lanes: Int) -> Double {
            let occupied = s.reduce(1.0) { $0 * Double(e.extents[$1]) }
            return occupied / ((occupied / Double(lanes)).rounded(.up) * Double(lanes))
        }
        var best: (rows: [Int], columns: [Int], util: Double) = ([], [], fill([], rows) * fill([], columns))
        for r in subsets {
            for c in (columns > 1 ? subsets : [[]]) where Set(r).isDisjoint(with: c) {
                let u = fill(r, rows) * fill(c, columns)
                if u > best.util * (1 + 1e-12) || (abs(u - best.util) <= best.util * 1e-12 && r.count + c.count < best.rows.count + best.columns.count) {
                    best = (r, c, u)
                }
            }
        }
        return (best.rows.map { e.ranks[$0] }, best.columns.map { e.ranks[$0] }, best.util)
    }
}
