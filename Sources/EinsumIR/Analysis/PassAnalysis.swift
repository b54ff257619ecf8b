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
        let facts = einsums.map(EinsumFacts.init)
        let perRank = rootRanks.map { PassCounter(cascade: self, rank: $0, facts: facts).run() }
        var dominant: RankPasses?
        // The most passes wins; among equals, a rank some Einsum reduces (k of a GEMM), then the first.
        let reduced = Set(facts.flatMap(\.reducedRanks).map { partitionParent(of: $0) ?? $0 })
        func score(_ r: RankPasses) -> (Int, Int) { (r.passes, reduced.contains(r.rank) ? 1 : 0) }
        for r in perRank where dominant.map({ score(r) > score($0) }) ?? true { dominant = r }
        let passes = max(einsums.isEmpty ? 0 : 1, dominant?.passes ?? 0)
        return PassAnalysis(passes: passes, dominantRank: dominant?.rank, byRank: perRank,
                            einsumPass: dominant?.einsumPass ?? Array(repeating: 1, count: einsums.count),
                            reasons: dominant?.reasons ?? Array(repeating: "no ranks", count: einsums.count))
    }
}

/// What the pass computation needs of an Einsum, computed once.
private struct EinsumFacts {
    struct Read {
        var tensor: String
        var iteratedRanks: [String]
        /// Ranks read at their final state (`M1`).
        var finals: [String]
    }

    var output: String
    var iterationRanks: [String]
    var reducedRanks: [String]
    var reduction: String
    var reads: [Read]

    init(_ e: Einsum) {
        output = e.outputTensor
        iterationRanks = e.iterationRanks
        let kept = Set(e.output.iteratedRanks)
        reducedRanks = iterationRanks.filter { !kept.contains($0) }
        reduction = e.reduction.name
        reads = e.inputs.map { a in
            Read(tensor: a.tensor, iteratedRanks: a.iteratedRanks, finals: a.indices.compactMap { index in
                if case .final(let r) = index { return r }
                return nil
            })
        }
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

    /// Why an Einsum is in its pass; rendered to text once the passes are settled.
    enum Reason: Equatable {
        case first, doesNotTraverse
        case readsComplete(tensor: String, pass: Int, cause: String)
        case consumes(tensor: String, pass: Int)
        case runsAfter(tensor: String, pass: Int, complete: Bool)

        func text(rank: String, pass: Int) -> String {
            switch self {
            case .first: return "pass 1: first traversal of \(rank)"
            case .doesNotTraverse: return "does not traverse \(rank)"
            case .readsComplete(let t, let p, let cause):
                return "pass \(pass): reads \(t), which is complete over \(rank) only after pass \(p) (\(cause))"
            case .consumes(let t, let p): return "pass \(pass): consumes \(t), produced in pass \(p)"
            case .runsAfter(let t, let p, let complete):
                return "does not traverse \(rank); runs after pass \(pass) (reads \(t)\(complete ? ", complete at the end of pass \(p)" : ""))"
            }
        }
    }

    let cascade: Cascade
    let rank: String
    let facts: [EinsumFacts]
    let family: Set<String>
    let leaves: Set<String>
    private var leavesOf: [String: Set<String>] = [:]

    init(cascade: Cascade, rank: String, facts: [EinsumFacts]) {
        self.cascade = cascade
        self.rank = rank
        self.facts = facts
        var family: Set<String> = [rank], frontier = [rank]
        while let r = frontier.popLast() {
            for p in cascade.parts(of: r) ?? [] where family.insert(p).inserted { frontier.append(p) }
        }
        self.family = family
        self.leaves = Set(cascade.leaves(of: rank))
        for r in family { leavesOf[r] = Set(cascade.leaves(of: r)) }
    }

    func run() -> RankPasses {
        let n = facts.count
        var previous: [String: State] = [:]
        var result = (passes: [Int](repeating: 1, count: n), reasons: [Reason](repeating: .first, count: n), states: [String: State]())
        for _ in 0..<8 {
            result = sweep(loopCarried: previous)
            if result.states == previous { break }
            previous = result.states
        }
        let traverses = facts.map { f in f.iterationRanks.contains { family.contains($0) } }
        var passes = 0
        for i in 0..<n where traverses[i] { passes = max(passes, result.passes[i]) }
        // Which passes read each tensor's fibers of this rank.
        var readBy: [String: Set<Int>] = [:]
        for (i, f) in facts.enumerated() where traverses[i] {
            for r in f.reads where r.iteratedRanks.contains(where: { family.contains($0) }) {
                readBy[r.tensor, default: []].insert(result.passes[i])
            }
        }
        let tensors = cascade.tensors.compactMap { t in readBy[t.name].map { TensorPasses(tensor: t.name, passes: $0.sorted()) } }
        let reasons = zip(result.reasons, result.passes).map { $0.text(rank: rank, pass: $1) }
        return RankPasses(rank: rank, passes: passes, einsumPass: result.passes, traverses: traverses, reasons: reasons, tensors: tensors)
    }

    private func coverage(_ ranks: [String]) -> Set<String> {
        var out: Set<String> = []
        for r in ranks { if let l = leavesOf[r] { out.formUnion(l) } }
        return out
    }

    private func sweep(loopCarried: [String: State]) -> (passes: [Int], reasons: [Reason], states: [String: State]) {
        var states: [String: State] = [:]
        var passes: [Int] = [], reasons: [Reason] = []
        passes.reserveCapacity(facts.count)
        reasons.reserveCapacity(facts.count)
        for f in facts {
            let traverses = f.iterationRanks.contains { family.contains($0) }
            var accesses: [(tensor: String, state: State)] = []
            for read in f.reads {
                var s = states[read.tensor] ?? loopCarried[read.tensor] ?? State()
                let finals = read.finals.filter { family.contains($0) }
                if !finals.isEmpty && !s.complete {
                    s.covered.formUnion(coverage(finals))
                    if s.covered.isSuperset(of: leaves) {
                        s = State(pass: s.pass, covered: [], complete: true,
                                  cause: "\(read.tensor) is read at its final state \(finals.map { $0.uppercased() }.joined(separator: ","))")
                    }
                }
                accesses.append((read.tensor, s))
            }
            var pass = 1
            var reason: Reason = traverses ? .first : .doesNotTraverse
            for (tensor, s) in accesses {
                let needed = traverses ? s.ready : s.pass
                let explainsCompletion = !traverses && s.complete && needed == pass && reason == .doesNotTraverse
                guard needed > pass || explainsCompletion else { continue }
                pass = needed
                if traverses && s.complete {
                    reason = .readsComplete(tensor: tensor, pass: s.pass, cause: s.cause)
                } else if traverses {
                    reason = .consumes(tensor: tensor, pass: s.pass)
                } else {
                    reason = .runsAfter(tensor: tensor, pass: s.pass, complete: s.complete)
                }
            }
            var out = State(pass: pass)
            for (_, s) in accesses where !s.complete && !s.covered.isEmpty { out.covered.formUnion(s.covered) }
            if traverses {
                let reduced = f.reducedRanks.filter { family.contains($0) }
                if !reduced.isEmpty { out.covered.formUnion(coverage(reduced)) }
                if !out.covered.isEmpty && out.covered.isSuperset(of: leaves) {
                    let how = reduced.isEmpty ? "combines partial results" : "reduces \(reduced.joined(separator: ",")) with \(f.reduction)"
                    out = State(pass: pass, covered: [], complete: true, cause: "\(f.output) \(how)")
                }
            } else if let s = accesses.first(where: { $0.state.complete && $0.state.pass == pass })?.state {
                out = State(pass: pass, covered: [], complete: true, cause: s.cause)
            }
            states[f.output] = out
            passes.append(pass)
            reasons.append(reason)
        }
        return (passes, reasons, states)
    }
}
