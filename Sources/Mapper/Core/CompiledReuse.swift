/// ``ReuseAnalysis`` compiled for one loop-nest structure: ranks, loops and tensors become
/// indices, so a mapper that varies only factors and extents (tile sizes, splits) re-evaluates a
/// candidate's traffic without building strings, dictionaries or arrays. It computes exactly
/// what ``ReuseAnalysis/analyze(_:tensors:limits:)`` computes (a test holds them equal).
public struct CompiledReuse: Sendable {
    /// The ranks, in the order extents are given.
    public let ranks: [String]
    public let tensorNames: [String]
    public let levelNames: [String]
    /// (tensor, level, parent level) per entry, in ``ReuseAnalysis`` order.
    public let entryTensor: [Int], entryLevel: [Int], entryParent: [Int]
    let loopRank: [Int], loopSpatial: [Bool], loopLevel: [Int]
    let levelStart: [Int], levelEnd: [Int]
    let keeps: [[Bool]]
    /// relevant[t * ranks + k]: rank k indexes tensor t.
    let relevantFlat: [Bool]
    let rankCount: Int
    let multicast: [Bool]
    let relevant: [[Bool]]
    let limitLevel: Int
    /// Per entry, and per tensor from the level below the limited one: the (rank, loop) pairs
    /// of its tile, grouped by rank (flat, with offsets).
    let tilePairs: [Int32]
    let entryTileStart: [Int], entryTileEnd: [Int]
    let limitTileStart: [Int], limitTileEnd: [Int]

    /// Compiles `nest` (its loops' ranks and order; factors are given per evaluation) for
    /// tensors indexed by `relevance` (tensor name → ranks indexing it). `limitedLevel`: the name
    /// of the level with a multicast limit, if any.
    public init(nest: LoopNest, ranks: [String], tensors: [(name: String, ranks: Set<String>)], limitedLevel: String?) {
        self.ranks = ranks
        tensorNames = tensors.map(\.name)
        levelNames = nest.levels.map(\.level)
        var lr: [Int] = [], ls: [Bool] = [], ll: [Int] = [], starts: [Int] = [], ends: [Int] = []
        for (i, level) in nest.levels.enumerated() {
            starts.append(lr.count)
            for loop in level.loops {
                lr.append(ranks.firstIndex(of: loop.rank) ?? -1); ls.append(loop.spatial); ll.append(i)
            }
            ends.append(lr.count)
        }
        loopRank = lr; loopSpatial = ls; loopLevel = ll; levelStart = starts; levelEnd = ends
        keeps = nest.levels.map { level in tensors.map { level.keeps.contains($0.name) } }
        multicast = nest.levels.map(\.multicast)
        relevant = tensors.map { t in ranks.map { t.ranks.contains($0) } }
        relevantFlat = relevant.flatMap { $0 }
        rankCount = ranks.count
        limitLevel = limitedLevel.flatMap { name in nest.levels.firstIndex { $0.level == name } } ?? -1
        var et: [Int] = [], el: [Int] = [], ep: [Int] = []
        for t in tensors.indices {
            var parent = 0
            for i in 1..<max(1, nest.levels.count) where keeps[i][t] {
                et.append(t); el.append(i); ep.append(parent)
                parent = i
            }
        }
        entryTensor = et; entryLevel = el; entryParent = ep
        var pairs: [Int32] = [], es: [Int] = [], ee: [Int] = [], ls2: [Int] = [], le: [Int] = []
        let rel = tensors.map { t in ranks.map { t.ranks.contains($0) } }
        let limitIndex = limitedLevel.flatMap { name in nest.levels.firstIndex { $0.level == name } } ?? -1
        func addTile(_ t: Int, from start: Int) -> (Int, Int) {
            let begin = pairs.count / 2
            let first = start < starts.count ? starts[start] : lr.count
            for k in ranks.indices where rel[t][k] {
                for j in first..<lr.count where lr[j] == k { pairs.append(Int32(k)); pairs.append(Int32(j)) }
            }
            return (begin, pairs.count / 2)
        }
        for e in et.indices { let (b, f) = addTile(et[e], from: el[e]); es.append(b); ee.append(f) }
        for t in tensors.indices {
            let (b, f) = limitIndex >= 0 ? addTile(t, from: limitIndex + 1) : (0, 0)
            ls2.append(b); le.append(f)
        }
        tilePairs = pairs; entryTileStart = es; entryTileEnd = ee; limitTileStart = ls2; limitTileEnd = le
    }

    /// Tile elements from precomputed (rank, loop) pairs: per rank, min(extent, Π factors).
    @inline(__always)
    func tile(pairs begin: Int, _ end: Int, tensor t: Int, factors: UnsafeBufferPointer<Double>, extents: UnsafeBufferPointer<Double>,
              pairs p: UnsafeBufferPointer<Int32>) -> Double {
        var elements = 1.0
        var i = begin
        while i < end {
            let k = Int(p[2 &* i])
            var product = 1.0
            while i < end && Int(p[2 &* i]) == k { product *= factors[Int(p[2 &* i &+ 1])]; i &+= 1 }
            elements *= min(extents[t &* rankCount &+ k], product)
        }
        return elements
    }

    public var entryCount: Int { entryTensor.count }

    @inline(__always)
    func isRelevant(_ t: Int, _ k: Int) -> Bool { k >= 0 && relevantFlat[t &* rankCount &+ k] }

    @inline(__always)
    func tile(_ t: Int, from start: Int, factors: UnsafeBufferPointer<Double>, extents: UnsafeBufferPointer<Double>) -> Double {
        let r = rankCount
        var elements = 1.0
        let first = start < levelStart.count ? levelStart[start] : loopRank.count
        for k in 0..<r where relevantFlat[t &* r &+ k] {
            var product = 1.0
            var j = first
            while j < loopRank.count { if loopRank[j] == k { product *= factors[j] }; j &+= 1 }
            elements *= min(extents[t &* r &+ k], product)
        }
        return elements
    }

    @inline(__always)
    func sharing(_ t: Int, level i: Int, factors: UnsafeBufferPointer<Double>) -> Double {
        var s = 1.0
        for j in levelStart[i]..<levelEnd[i] where loopSpatial[j] && !isRelevant(t, loopRank[j]) { s *= factors[j] }
        return s
    }

    @inline(__always)
    func span(_ t: Int, level i: Int, factors: UnsafeBufferPointer<Double>) -> Double {
        var started = false, s = 1.0
        for j in levelStart[i]..<levelEnd[i] where loopSpatial[j] && factors[j] > 1 {
            if !started && !isRelevant(t, loopRank[j]) { started = true }
            if started { s *= factors[j] }
        }
        return started ? s : 1
    }

    /// Evaluates one candidate. `factors`: one per loop of the nest, in its order; `extents`:
    /// tensor-major, one per rank; `elementBytes`: per tensor. Writes per entry its tile bytes
    /// and parent bytes into `tileBytes` and `parentBytes` (entryCount each).
    public func evaluate(factors: UnsafeBufferPointer<Double>, extents: UnsafeBufferPointer<Double>,
                         elementBytes: UnsafeBufferPointer<Double>, limitCapacity: Double, concurrentChildren: Double,
                         tileBytes: UnsafeMutableBufferPointer<Double>, parentBytes: UnsafeMutableBufferPointer<Double>) {
        tilePairs.withUnsafeBufferPointer { pairs in
        var workingSet = 0.0
        let L = limitLevel
        if L >= 0 {
            for t in tensorNames.indices where keeps[L][t] {
                let share = sharing(t, level: L, factors: factors)
                guard share > 1, span(t, level: L, factors: factors) > concurrentChildren else { continue }
                let tl = tile(pairs: limitTileStart[t], limitTileEnd[t], tensor: t, factors: factors, extents: extents, pairs: pairs)
                workingSet += concurrentChildren * tl * elementBytes[t] / share
            }
        }
        for e in 0..<entryTensor.count {
            let t = entryTensor[e], i = entryLevel[e], parent = entryParent[e]
            let tb = tile(pairs: entryTileStart[e], entryTileEnd[e], tensor: t, factors: factors, extents: extents, pairs: pairs) * elementBytes[t]
            var reads = 1.0
            var seen = false
            var j = levelStart[i] - 1
            while j >= 0 {
                let f = factors[j]
                if f > 1 {
                    let k = loopRank[j]
                    if isRelevant(t, k) {
                        seen = true; reads *= f
                    } else if loopSpatial[j] {
                        if !(loopLevel[j] >= parent && multicast[loopLevel[j]]) { reads *= f }
                    } else if seen {
                        reads *= f
                    }
                }
                j -= 1
            }
            var reload = 1.0
            if i == L {
                let share = sharing(t, level: i, factors: factors)
                if share > 1 && span(t, level: i, factors: factors) > concurrentChildren {
                    reload = min(share, max(1, workingSet / max(limitCapacity, 1)))
                }
            }
            tileBytes[e] = tb
            parentBytes[e] = tb * reads * reload
        }
        }
    }
}
