/// Identifies an Einsum of a cascade: an initialization or a main Einsum, by position.
public struct EinsumID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var isInitialization: Bool
    public var index: Int

    public init(isInitialization: Bool = false, index: Int) {
        self.isInitialization = isInitialization
        self.index = index
    }

    public static func < (a: EinsumID, b: EinsumID) -> Bool {
        (a.isInitialization ? 0 : 1, a.index) < (b.isInitialization ? 0 : 1, b.index)
    }

    public var description: String { isInitialization ? "init#\(index)" : "#\(index)" }
}

/// Which Einsum produces and which consumes each tensor.
public struct DependencyGraph: Sendable, Hashable {
    /// A tensor flowing from a producer to a consumer. `isLoopCarried` marks a running value read
    /// by an Einsum at or before its producer (the previous iteration's value, e.g. `RD[m1,p]`).
    public struct Edge: Sendable, Hashable {
        public var producer: EinsumID
        public var consumer: EinsumID
        public var tensor: String
        public var isLoopCarried: Bool
    }

    /// Producers of each tensor, in order (initializations first).
    public var producers: [String: [EinsumID]]
    /// Consumers of each tensor, in order (initializations first).
    public var consumers: [String: [EinsumID]]
    /// Every producer → consumer edge, sorted by consumer then producer then tensor.
    public var edges: [Edge]
}

extension Cascade {
    /// The producer/consumer relation between the Einsums of this cascade.
    public func dependencyGraph() -> DependencyGraph {
        var producers: [String: [EinsumID]] = [:], consumers: [String: [EinsumID]] = [:]
        let all = initializations.enumerated().map { (EinsumID(isInitialization: true, index: $0.offset), $0.element) }
            + einsums.enumerated().map { (EinsumID(index: $0.offset), $0.element) }
        for (id, e) in all {
            producers[e.outputTensor, default: []].append(id)
            for t in e.inputTensors { consumers[t, default: []].append(id) }
        }
        var edges: [DependencyGraph.Edge] = []
        for (id, e) in all {
            for t in e.inputTensors {
                for p in producers[t] ?? [] {
                    let carried = !id.isInitialization && !p.isInitialization && p.index >= id.index
                    if id.isInitialization && !p.isInitialization { continue }
                    edges.append(.init(producer: p, consumer: id, tensor: t, isLoopCarried: carried))
                }
            }
        }
        return DependencyGraph(producers: producers, consumers: consumers, edges: edges)
    }
}
