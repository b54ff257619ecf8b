/// The passes a cascade makes over the fibers of each rank (FuseMax §III-A).
///
/// A pass over a fiber of a rank is a traversal of all its elements. An Einsum that traverses the
/// rank but needs a value that is complete over the whole fiber (a full reduction of the rank, or
/// the final state `M1` of a running value over its partitions) must wait until the traversal
/// that produces it has finished: it belongs to the next pass. Running values (`m1+1`) and
/// reductions over a partition's inner rank only (`m0`) do not force a new pass. Einsums that do
/// not traverse the rank (`AV[f,p] = SNV[f,p] / SD[p]`) run after the pass their inputs complete
/// in and add no pass. Initialization Einsums run once, before every pass, and are not assigned.
public struct PassAnalysis: Sendable, Hashable, Codable {
    /// Passes of the cascade: the most passes over any rank (1 when no rank needs more).
    public var passes: Int
    /// The rank with the most passes (the first declared among equals); nil without Einsums.
    public var dominantRank: String?
    /// Per root rank (ranks that are not parts of a partition), in declaration order.
    public var byRank: [RankPasses]
    /// Pass index (1-based) of each main Einsum over ``dominantRank``.
    public var einsumPass: [Int]
    /// Why each main Einsum is in its pass (over ``dominantRank``).
    public var reasons: [String]
}

/// Passes over the fibers of one rank.
public struct RankPasses: Sendable, Hashable, Codable {
    /// The root rank's index name (`m`); its partitions (`m1`, `m0`) count as the same rank.
    public var rank: String
    /// Number of passes over this rank's fibers (0 when no Einsum traverses it).
    public var passes: Int
    /// Pass index of each main Einsum.
    public var einsumPass: [Int]
    /// Whether each main Einsum traverses the rank (iterates it or one of its parts).
    public var traverses: [Bool]
    /// Why each main Einsum is in its pass.
    public var reasons: [String]
    /// Tensors whose fibers of this rank are read, with the passes that read them.
    public var tensors: [TensorPasses]
}

/// The passes that read a tensor's fibers of one rank; more than one means the fiber is revisited.
public struct TensorPasses: Sendable, Hashable, Codable {
    public var tensor: String
    public var passes: [Int]
}

extension Cascade {
    /// Counts passes per rank and assigns each main Einsum to a pass, with reasons.
    public func passAnalysis() -> PassAnalysis {
        let perRank = rootRanks.map { PassCounter(cascade: self, rank: $0).run() }
        var dominant: RankPasses?
        // The most passes wins; among equals, a rank some Einsum reduces (k of a GEMM), then the first.
        let reduced = Set(einsums.flatMap(\.reducedRanks).map { partitionParent(of: $0) ?? $0 })
        func score(_ r: RankPasses) -> (Int, Int) { (r.passes, reduced.contains(r.rank) ? 1 : 0) }
        for r in perRank where dominant.map({ score(r) > score($0) }) ?? true { dominant = r }
        let passes = max(einsums.isEmpty ? 0 : 1, dominant?.passes ?? 0)
        return PassAnalysis(passes: passes, dominantRank: dominant?.rank, byRank: perRank,
                            einsumPass: dominant?.einsumPass ?? Array(repeating: 1, count: einsums.count),
                            reasons: dominant?.reasons ?? Array(repeating: "no ranks", count: einsums.count))
    }
}

/// The pass computation for one root rank.
private struct PassCounter {
    /// What is known about a tensor's values with respect to the rank.
    struct State: Equatable {
        /// The pass in which the values are produced.
        var pass = 1
        /// Leaves of the rank the values already aggregate (when not yet complete).
        var covered: Set<String> = []
        /// True when the values depend on whole fibers: traversing consumers wait for the next pass.
        var complete = false
        /// How the values became complete (for reasons).
        var cause = ""
        var ready: Int { complete ? pass + 1 : pass }
    }

    let cascade: Cascade
    let rank: String
    let family: Set<String>
    let leaves: Set<String>
    private var leavesOf: [String: Set<String>] = [:]

    init(cascade: Cascade, rank: String) {
        self.cascade = cascade
        self.rank = rank
        var family: Set<String> = [rank], frontier = [rank]
        while let r = frontier.popLast() {
            for p in cascade.parts(of: r) ?? [] where family.insert(p).inserted { frontier.append(p) }
        }
        self.family = family
        self.leaves = Set(cascade.leaves(of: rank))
        for r in family { leavesOf[r] = Set(cascade.leaves(of: r)) }
    }

    func run() -> RankPasses {
        let n = cascade.einsums.count
        var previous: [String: State] = [:]
        var result = (passes: [Int](repeating: 1, count: n), reasons: [String](repeating: "", count: n), states: [String: State]())
        for _ in 0..<8 {
            result = sweep(loopCarried: previous)
            if result.states == previous { break }
            previous = result.states
        }
        let traverses = cascade.einsums.map { e in e.iterationRanks.contains { family.contains($0) } }
        var passes = 0
        for i in 0..<n where traverses[i] { passes = max(passes, result.passes[i]) }
        // Which passes read each tensor's fibers of this rank.
        var readBy: [String: Set<Int>] = [:]
        for (i, e) in cascade.einsums.enumerated() where traverses[i] {
            for a in e.inputs where a.iteratedRanks.contains(where: { family.contains($0) }) {
                readBy[a.tensor, default: []].insert(result.passes[i])
            }
        }
        let tensors = cascade.tensors.compactMap { t in readBy[t.name].map { TensorPasses(tensor: t.name, passes: $0.sorted()) } }
        return RankPasses(rank: rank, passes: passes, einsumPass: result.passes, traverses: traverses, reasons: result.reasons, tensors: tensors)
    }

    private func coverage(_ ranks: [String]) -> Set<String> {
        var out: Set<String> = []
        for r in ranks { if let l = leavesOf[r] { out.formUnion(l) } }
        return out
    }

    private func sweep(loopCarried: [String: State]) -> (passes: [Int], reasons: [String], states: [String: State]) {
        var states: [String: State] = [:]
        var passes: [Int] = [], reasons: [String] = []
        passes.reserveCapacity(cascade.einsums.count)
        for e in cascade.einsums {
            let traverses = e.iterationRanks.contains { family.contains($0) }
            var accesses: [(tensor: String, state: State)] = []
            for a in e.inputs {
                var s = states[a.tensor] ?? loopCarried[a.tensor] ?? State()
                let finals = a.indices.compactMap { index -> String? in
                    if case .final(let r) = index, family.contains(r) { return r }
                    return nil
                }
                if !finals.isEmpty && !s.complete {
                    s.covered.formUnion(coverage(finals))
                    if s.covered.isSuperset(of: leaves) {
                        s = State(pass: s.pass, covered: [], complete: true,
                                  cause: "\(a.tensor) is read at its final state \(finals.map { $0.uppercased() }.joined(separator: ",")), complete over \(rank) only at the end of pass \(s.pass)")
                    }
                }
                accesses.append((a.tensor, s))
            }
            var pass = 1
            var reason = traverses ? "pass 1: first traversal of \(rank)" : "does not traverse \(rank)"
            for (tensor, s) in accesses {
                let needed = traverses ? s.ready : s.pass
                let explainsCompletion = !traverses && s.complete && needed == pass && pass == 1 && !reason.contains("runs after")
                guard needed > pass || explainsCompletion else { continue }
                pass = needed
                if traverses && s.complete {
                    reason = "pass \(needed): reads \(tensor), which is complete over \(rank) only after pass \(s.pass) (\(s.cause))"
                } else if traverses {
                    reason = "pass \(needed): consumes \(tensor), produced in pass \(s.pass)"
                } else {
                    reason = "does not traverse \(rank); runs after pass \(needed) (reads \(tensor)\(s.complete ? ", complete at the end of pass \(s.pass)" : ""))"
                }
            }
            var out = State(pass: pass)
            for (_, s) in accesses where !s.complete { out.covered.formUnion(s.covered) }
            if traverses {
                let reduced = e.reducedRanks.filter { family.contains($0) }
                out.covered.formUnion(coverage(reduced))
                if out.covered.isSuperset(of: leaves) {
                    let how = reduced.isEmpty ? "combines partial results" : "reduces \(reduced.joined(separator: ",")) with \(e.reduction.name)"
                    out = State(pass: pass, covered: [], complete: true, cause: "\(e.outputTensor) \(how)")
                }
            } else if let s = accesses.first(where: { $0.state.complete && $0.state.pass == pass })?.state {
                out = State(pass: pass, covered: [], complete: true, cause: s.cause)
            }
            states[e.outputTensor] = out
            passes.append(pass)
            reasons.append(reason)
        }
        return (passes, reasons, states)
    }
}
