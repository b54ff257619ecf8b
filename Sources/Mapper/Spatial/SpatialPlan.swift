import EinsimCore
import HardwareModel

/// One mapping of a compiled cascade (``SpatialProblem``) onto a spatial target.
///
/// Loop nest, outermost first, for every fusion group:
/// `b, h → p2 (query blocks of p1·p0 rows, resident in the buffer) → [per pass of the group:
/// m1 (key tiles of m0) → p1 (array-sized query sub-blocks)] → parallel p0 → parallel m0`,
/// with the inner ranks (E, F) temporal inside each processing element. `p0 × m0` lanes of an
/// array hold one score each; a 1-D array takes the `p0` queries. Einsums of a group share the
/// loops and keep their intermediates on chip; pass-crossing intermediates stay whole per query
/// block (a fiber of the key rank). Groups run one after another, with DRAM between them.
public struct SpatialPlan: Sendable, Hashable {
    /// How a group's Einsums share the units over the tile iterations.
    public enum Schedule: String, Sendable, Hashable, CaseIterable {
        /// Software-pipelined: Einsums of different tiles overlap on different units (double
        /// buffered), so a group takes its busiest resource's time plus the pipeline fill.
        case pipelined
        /// One Einsum at a time: units wait for each other (no interleaving across arrays).
        case sequential
    }

    /// One fusion group: its Einsums (indices, in order) and its own tiling.
    public struct Group: Sendable, Hashable {
        public var einsums: [Int]
        /// Spatial queries per array pass (p0) and spatial keys (m0; the cascade's M0 where it
        /// partitions the key rank, then shared by every group).
        public var queryLanes: Int
        public var keyTile: Int
        /// Query sub-blocks interleaved inside each key tile (p1): the query block resident in
        /// the buffer is `queryLanes × querySubBlocks` rows.
        public var querySubBlocks: Int

        public init(einsums: [Int], queryLanes: Int, keyTile: Int, querySubBlocks: Int) {
            self.einsums = einsums; self.queryLanes = queryLanes; self.keyTile = keyTile; self.querySubBlocks = querySubBlocks
        }

        /// Query rows resident in the buffer per block (p1 · p0).
        public var queryBlock: Int { queryLanes * querySubBlocks }
    }

    public var name: String
    /// Fusion groups, run in order.
    public var groups: [Group]
    /// The unit (index into the machine's units) each Einsum runs on (-1 for a copy).
    public var binding: [Int]
    public var schedule: Schedule

    public init(name: String, groups: [Group], binding: [Int], schedule: Schedule) {
        self.name = name; self.groups = groups; self.binding = binding; self.schedule = schedule
    }
}

extension SpatialPlan {
    /// The loop order and binding as `einsim map` prints them.
    public func describe(_ problem: SpatialProblem) -> String {
        let units = problem.machine.units
        var lines: [String] = []
        let p = problem.queries, m = problem.keys
        lines.append("mapping \(name): \(schedule.rawValue) schedule")
        for (g, group) in groups.enumerated() {
            let members = group.einsums
            let (queryBlock, keyTile, querySubBlocks, queryLanes) = (group.queryBlock, group.keyTile, group.querySubBlocks, group.queryLanes)
            let p2 = (p + queryBlock - 1) / max(queryBlock, 1)
            let m1 = (m + keyTile - 1) / max(keyTile, 1)
            let passes = Array(Set(members.map { problem.einsums[$0].pass })).sorted()
            let keyed = members.contains { problem.einsums[$0].key != .none }
            var order = "p2 (\(p2) query blocks of \(queryBlock))"
            if keyed { order += " → m1 (\(m1) key tiles of \(keyTile))" }
            order += " → p1 (\(querySubBlocks)) → parallel p0 (\(queryLanes))"
            if keyed { order += " → parallel m0 (\(keyTile))" }
            lines.append("group \(g + 1) (pass \(passes.map(String.init).joined(separator: "+"))): \(order)")
            for i in members {
                let b = binding.indices.contains(i) ? binding[i] : -1
                let unit = units.indices.contains(b) ? units[b].name : "(copy)"
                lines.append("  \(problem.einsums[i].name.padding(toLength: 6, withPad: " ", startingAt: 0)) on \(unit)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
