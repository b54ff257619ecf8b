import EinsimCore
import HardwareModel

/// The mapspace of a ``SpatialProblem``: tilings (spatial queries `p0` and keys `m0` with
/// `p0 × m0` at most the largest array's PEs, query sub-blocks `p1` up to the query count),
/// fusion groupings (adjacent passes fused or not; a pass is never split, since Einsums of
/// different passes can only share a group by keeping the pass-crossing fiber whole), and every
/// binding of each Einsum to a unit that can host it. Sizes are bounded by the array and the
/// ladders (powers of two), not by the sequence length.
public struct SpatialMapspace: Sendable {
    public struct Tiling: Sendable, Hashable {
        public var queryLanes: Int
        public var keyTile: Int
        public var querySubBlocks: Int
    }

    public let problem: SpatialProblem
    public let tilings: [Tiling]
    public let groupings: [[[Int]]]
    /// Units each Einsum may be bound to (empty for a copy).
    public let hosts: [[Int]]
    /// The schedule candidates use (a preset's; pipelined for the full mapspace, since a
    /// sequential schedule is never faster).
    public let schedule: SpatialPlan.Schedule

    /// The full mapspace, or the one a preset allows (its binding, fusion and tiling rules).
    public init(problem: SpatialProblem, preset: SpatialPreset? = nil) {
        self.problem = problem
        let units = problem.machine.units
        let lanes = units.filter { [.matrix, .pimALU].contains($0.kind) }.map(\.elements).max() ?? units.map(\.elements).max() ?? 1
        let p = problem.queries
        var tilings: [Tiling] = []
        for m0 in problem.keyTiles {
            var p0 = 1
            while p0 <= max(1, lanes / max(m0, 1)) {
                // A preset lays p0 × m0 over every PE, unless the shape is smaller than that.
                let fills = p0 * m0 == lanes || p0 >= p || m0 >= problem.keys
                if preset == nil || fills {
                    var p1 = 1
                    while true {
                        tilings.append(Tiling(queryLanes: p0, keyTile: m0, querySubBlocks: p1))
                        // Query blocks stop at 2^16 rows (no on-chip buffer holds more), so the
                        // mapspace stays the same size beyond 64K queries.
                        if p0 * p1 >= p || p0 * p1 >= 1 << 16 { break }
                        p1 *= 2
                    }
                }
                if p0 >= p { break }
                p0 *= 2
            }
        }
        self.tilings = tilings
        schedule = preset?.schedule ?? .pipelined
        if let preset {
            groupings = preset.groupings(problem)
            let binding = preset.binding(problem)
            hosts = binding.map { $0 < 0 ? [] : [$0] }
        } else {
            groupings = Self.adjacentPassGroupings(problem)
            hosts = problem.einsums.indices.map { problem.einsums[$0].classes.isEmpty ? [] : problem.hostUnits($0) }
        }
    }

    /// One group per pass.
    public static func perPass(_ problem: SpatialProblem) -> [[Int]] {
        let passes = Array(Set(problem.einsums.map(\.pass))).sorted()
        return passes.map { p in problem.einsums.indices.filter { problem.einsums[$0].pass == p } }
    }

    /// Every way of fusing adjacent passes (2^(passes − 1) groupings).
    public static func adjacentPassGroupings(_ problem: SpatialProblem) -> [[[Int]]] {
        let passes = perPass(problem)
        guard passes.count > 1 else { return [passes] }
        var out: [[[Int]]] = []
        for mask in 0..<(1 << (passes.count - 1)) {
            var groups: [[Int]] = [passes[0]]
            for k in 1..<passes.count {
                if mask & (1 << (k - 1)) != 0 { groups[groups.count - 1] += passes[k] } else { groups.append(passes[k]) }
            }
            out.append(groups)
        }
        return out
    }

    /// Number of bindings (the product of each Einsum's host count).
    public var bindingCount: Double { hosts.reduce(1.0) { $0 * Double(max($1.count, 1)) } }

    /// Total candidates: tilings × groupings × bindings.
    public var size: Double { Double(tilings.count) * Double(groupings.count) * bindingCount }
}
