import Foundation

/// A pass analysis ready to show: a JSON document (`einsim passes --format json`) and a text table.
public struct PassReport: Sendable, Hashable, Codable {
    /// One Einsum's pass assignment.
    public struct EinsumEntry: Sendable, Hashable, Codable {
        public var index: Int
        public var output: String
        public var einsum: String
        public var pass: Int
        public var reason: String
    }

    /// One rank's passes.
    public struct RankEntry: Sendable, Hashable, Codable {
        public var rank: String
        public var passes: Int
        /// Tensors whose fibers of the rank are read, with the passes reading them.
        public var tensors: [TensorPasses]
        /// Pass of each main Einsum over this rank (0 when the Einsum does not traverse it).
        public var einsumPass: [Int]

        enum CodingKeys: String, CodingKey {
            case rank, passes, tensors
            case einsumPass = "einsum_pass"
        }
    }

    public var cascade: String
    public var passes: Int
    public var dominantRank: String?
    public var byRank: [RankEntry]
    public var einsums: [EinsumEntry]

    enum CodingKeys: String, CodingKey {
        case cascade, passes, einsums
        case dominantRank = "dominant_rank"
        case byRank = "by_rank"
    }

    public init(cascade: Cascade) {
        let analysis = cascade.passAnalysis()
        self.cascade = cascade.name
        self.passes = analysis.passes
        self.dominantRank = analysis.dominantRank
        self.byRank = analysis.byRank.map { r in
            RankEntry(rank: r.rank, passes: r.passes, tensors: r.tensors,
                      einsumPass: zip(r.einsumPass, r.traverses).map { $1 ? $0 : 0 })
        }
        self.einsums = cascade.einsums.enumerated().map { i, e in
            EinsumEntry(index: i, output: e.outputTensor, einsum: Printer.einsum(e).trimmingCharacters(in: .whitespacesAndNewlines),
                        pass: analysis.einsumPass[i], reason: analysis.reasons[i])
        }
    }

    /// Pretty-printed JSON with sorted keys (deterministic).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A plain-text table: passes per rank, then each Einsum's pass and reason.
    public func table() -> String {
        var out = "\(cascade): \(passes) pass\(passes == 1 ? "" : "es")"
        if let r = dominantRank { out += " over \(r)" }
        out += "\n\nrank  passes  tensors whose fibers are revisited (passes)\n"
        for r in byRank {
            let tensors = r.tensors.filter { $0.passes.count > 1 }.map { "\($0.tensor) (\($0.passes.map(String.init).joined(separator: ",")))" }.joined(separator: ", ")
            out += "\(r.rank.padding(toLength: max(4, r.rank.count), withPad: " ", startingAt: 0))  \(String(r.passes).padding(toLength: 6, withPad: " ", startingAt: 0))  \(tensors.isEmpty ? "-" : tensors)\n"
        }
        let width = min(48, einsums.map(\.einsum.count).max() ?? 0)
        out += "\npass  \("einsum".padding(toLength: width, withPad: " ", startingAt: 0))  reason\n"
        for e in einsums {
            let text = e.einsum.count > width ? e.einsum : e.einsum.padding(toLength: width, withPad: " ", startingAt: 0)
            out += "\(String(e.pass).padding(toLength: 4, withPad: " ", startingAt: 0))  \(text)  \(e.reason)\n"
        }
        return out
    }
}
