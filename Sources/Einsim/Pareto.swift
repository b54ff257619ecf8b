/// Pareto fronts of results under objectives that are all minimized (latency, energy, area, …).
///
/// A point *dominates* another when it is no worse in every objective and strictly better in at
/// least one. The front is every point no other point dominates: equal points (duplicates) do not
/// dominate each other, so all copies of a front point are on the front. Points with a NaN
/// objective are never on the front. To maximize an objective, minimize its negation.
///
/// ```swift
/// let front = Pareto.front(points, \.latencySeconds, \.energyJoules)
/// ```
public enum Pareto {
    /// Whether `a` dominates `b`: no worse in every objective, strictly better in one (minimizing).
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        guard a.count == b.count else { return false }
        var better = false
        for (x, y) in zip(a, b) {
            if !(x <= y) { return false }
            if x < y { better = true }
        }
        return better
    }

    /// The indices of `items` on the front of two minimized objectives, ordered by the first
    /// objective (then the second, then index). O(n log n).
    public static func frontIndices<T>(_ items: [T], _ first: (T) -> Double, _ second: (T) -> Double) -> [Int] {
        let values = items.map { (first($0), second($0)) }
        let order = values.indices.filter { !values[$0].0.isNaN && !values[$0].1.isNaN }.sorted { i, j in
            let (a, b) = (values[i], values[j])
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 < b.1 }
            return i < j
        }
        var front: [Int] = []
        // The least second objective among points with a strictly smaller first objective.
        var best = Double.infinity
        var k = 0
        while k < order.count {
            // A run of points with an equal first objective: only those with the run's least
            // second objective can be on the front, and only if nothing to their left is as good.
            let x = values[order[k]].0
            let least = values[order[k]].1
            var end = k
            while end < order.count, values[order[end]].0 == x { end += 1 }
            if k == 0 || least < best {
                for position in k..<end where values[order[position]].1 == least { front.append(order[position]) }
            }
            best = min(best, least)
            k = end
        }
        return front
    }

    /// The items on the front of two minimized objectives, ordered by the first objective. O(n log n).
    ///
    /// The objectives are functions or key paths: `Pareto.front(points, \.latency, \.energy)`.
    public static func front<T>(_ items: [T], _ first: (T) -> Double, _ second: (T) -> Double) -> [T] {
        frontIndices(items, first, second).map { items[$0] }
    }

    /// The indices of `items` on the front of any number of minimized objectives, in input
    /// order. Two objectives take O(n log n); more take O(n²) comparisons.
    public static func frontIndices<T>(_ items: [T], objectives: [(T) -> Double]) -> [Int] {
        if objectives.count == 2 {
            return frontIndices(items, objectives[0], objectives[1]).sorted()
        }
        let values = items.map { item in objectives.map { $0(item) } }
        return values.indices.filter { i in
            !values[i].contains(where: \.isNaN) && !values.indices.contains { j in j != i && !values[j].contains(where: \.isNaN) && dominates(values[j], values[i]) }
        }
    }

    /// The items on the front of any number of minimized objectives, in input order.
    public static func front<T>(_ items: [T], objectives: [(T) -> Double]) -> [T] {
        frontIndices(items, objectives: objectives).map { items[$0] }
    }
}
