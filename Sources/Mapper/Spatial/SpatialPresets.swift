import EinsimCore
import HardwareModel

/// Named mappings of attention on spatial targets. Each fixes the cascade, the binding rule, the
/// fusion and the schedule; the tile sizes are chosen within the preset's dataflow (the best that
/// fits), as the papers do.
public enum SpatialPreset: String, Sendable, Hashable, CaseIterable {
    /// FuseMax (Nayak et al., MICRO 2024): the 1-pass cascade, per-score Einsums (BQK, LM, SLN,
    /// SLD, SLNV) on the 2-D array, per-row ones (RM, PRM, SPD, SPNV, RD, RNV, AV) on the 1-D
    /// array, pipelined and interleaved across the two (the "+Binding" step); loop order
    /// p2 → m1 → p1 → parallel p0 → parallel m0 with M0 × P0 = the 2-D array's PEs.
    case fusemax
    /// Ablation step "+Cascade": the 1-pass cascade with FLAT's binding (contractions on the MAC
    /// array, softmax on the 1-D array and the exp unit).
    case fusemaxCascade = "fusemax+cascade"
    /// Ablation step "+Architecture": FuseMax's binding on FuseMax's arrays, without interleaving
    /// the two arrays (one Einsum at a time).
    case fusemaxArchitecture = "fusemax+architecture"
    /// FLAT (Kao et al., ASPLOS 2023): the 3-pass cascade in its tiled fused dataflow (a block of
    /// query rows with its whole score fiber in the buffer; per-pass groups where the fiber does
    /// not fit), QK and AV on the MAC array, softmax on the 1-D array and the exp unit, the arrays
    /// overlapped across query blocks.
    case flat
    /// QK, softmax and AV as separate phases with DRAM round trips (the 3-pass cascade, no fusion
    /// across the contractions).
    case unfused
    /// The TPU-like NPU's native attention: matrix multiplies on the systolic arrays and softmax on
    /// the vector units as separate operations with HBM round trips (XLA-style), as `unfused`.
    case npuNative = "npu-native"

    /// The cascade the preset runs (a name AlgorithmResolver resolves).
    public var cascade: String {
        switch self {
        case .fusemax, .fusemaxCascade, .fusemaxArchitecture: return "1pass"
        case .flat, .unfused, .npuNative: return "3pass"
        }
    }

    public var schedule: SpatialPlan.Schedule { self == .fusemaxArchitecture ? .sequential : .pipelined }

    /// One line for `einsim list`.
    public var summary: String {
        switch self {
        case .fusemax: return "1-pass cascade, per-score Einsums on the 2-D array, per-row on the 1-D, pipelined and interleaved"
        case .fusemaxCascade: return "ablation +Cascade: 1-pass cascade with FLAT's binding"
        case .fusemaxArchitecture: return "ablation +Architecture: FuseMax's binding, arrays not interleaved"
        case .flat: return "3-pass cascade, score rows fused in the buffer, MACs on the array, softmax on the 1-D array"
        case .unfused: return "3-pass cascade, QK / softmax / AV with DRAM round trips"
        case .npuNative: return "matmul on the systolic arrays, softmax on the vector units, HBM round trips"
        }
    }

    /// Why the preset cannot run on `problem`'s machine, or nil.
    public func refusal(_ problem: SpatialProblem) -> String? {
        let machine = problem.machine
        guard machine.units.contains(where: { $0.kind == .matrix || $0.kind == .pimALU }) else {
            return "'\(machine.name)' has no matrix array for the contractions"
        }
        for i in problem.einsums.indices where !problem.einsums[i].classes.isEmpty && problem.hostUnits(i).isEmpty {
            return "no unit of '\(machine.name)' runs Einsum \(problem.einsums[i].name)"
        }
        return nil
    }

    /// The preset's binding of each Einsum.
    public func binding(_ problem: SpatialProblem) -> [Int] {
        let units = problem.machine.units
        let arrays = units.indices.filter { [.matrix, .pimALU].contains(units[$0].kind) }
        let largest = arrays.max { units[$0].elements * units[$0].instances < units[$1].elements * units[$1].instances }
        func widestOther(_ candidates: [Int]) -> Int? {
            let others = candidates.filter { !arrays.contains($0) }
            return (others.isEmpty ? candidates : others).max { units[$0].elements * units[$0].instances < units[$1].elements * units[$1].instances || (units[$0].elements * units[$0].instances == units[$1].elements * units[$1].instances && $0 > $1) }
        }
        return problem.einsums.indices.map { i in
            let e = problem.einsums[i]
            if e.classes.isEmpty { return -1 }
            let hosts = problem.hostUnits(i)
            let capable = problem.capableUnits(i)
            if e.classes.contains(.matrixMAC) {
                if let l = largest, hosts.contains(l) { return l }
                return widestOther(hosts) ?? hosts.first ?? -1
            }
            if self == .fusemax || self == .fusemaxArchitecture, e.key == .perKey, let l = largest, capable.contains(l) { return l }
            // FLAT's binding: an exp on a dedicated exponential unit where there is one (its
            // other operations lent to the 1-D array), the rest on the widest non-array unit.
            if e.classes.contains(.specialFunction),
               let sfu = units.indices.first(where: { units[$0].kind == .specialFunction && (units[$0].rate[.specialFunction] ?? 0) > 0 }) {
                return sfu
            }
            return widestOther(capable.isEmpty ? hosts : capable) ?? -1
        }
    }

    /// Fusion groups the preset may use (the chooser takes the best that fits).
    public func groupings(_ problem: SpatialProblem) -> [[[Int]]] {
        let all = Array(problem.einsums.indices)
        switch self {
        case .fusemax, .fusemaxCascade, .fusemaxArchitecture:
            return [[all]]
        case .flat:
            return [[all], SpatialMapspace.perPass(problem)]
        case .unfused, .npuNative:
            // Each contraction alone; what lies between two contractions is one group.
            var groups: [[Int]] = []
            var current: [Int] = []
            for i in all {
                if problem.einsums[i].classes.contains(.matrixMAC) {
                    if !current.isEmpty { groups.append(current); current = [] }
                    groups.append([i])
                } else {
                    current.append(i)
                }
            }
            if !current.isEmpty { groups.append(current) }
            return [groups]
        }
    }
}
