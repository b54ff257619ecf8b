import EinsimCore
import EinsumIR

/// One pass of a cascade that is not softmax attention (linear attention, SLA's marginal part,
/// a predictor, a quantization), compiled for a spatial target Einsum by Einsum: what
/// ``SpatialPassMapper`` binds to units and lays onto their arrays. The attention cascades take
/// the full mapspace (``SpatialMapspace``); these passes are mapped as a fused loop over their
/// outer ranks (those all its Einsums share and none reduces), each Einsum's ranks laid
/// spatially onto its unit's rows and columns.
public struct SpatialPass: Sendable, Hashable {
    /// One Einsum of the pass.
    public struct Einsum: Sendable, Hashable {
        public var name: String
        /// Operation counts of the whole Einsum (density applied).
        public var operations: OperationCounts
        /// Ranks it iterates that may be laid spatially (index names, in the Einsum's order) and
        /// their extents. The iterative rank of a recurrence stays temporal.
        public var ranks: [String]
        public var extents: [Int]
        /// Bytes of the operands it reads and of the result it writes (each once, through the buffer).
        public var inputBytes: Double
        public var outputBytes: Double
        /// The precision of its matrix operands when it differs from the machine's (nil: the machine's).
        public var matrixPrecision: Precision?
        public var location: SourceLocation?

        public init(name: String, operations: OperationCounts, ranks: [String], extents: [Int], inputBytes: Double, outputBytes: Double,
                    matrixPrecision: Precision? = nil, location: SourceLocation? = nil) {
            self.name = name; self.operations = operations; self.ranks = ranks; self.extents = extents
            self.inputBytes = inputBytes; self.outputBytes = outputBytes; self.matrixPrecision = matrixPrecision; self.location = location
        }
    }

    public var name: String
    public var einsums: [Einsum]
    /// Bytes of the tensors that cross the pass boundary (read or written once).
    public var dramReadBytes: Double
    public var dramWriteBytes: Double
    /// Intermediate tensors held on chip, whole (bytes), and per iteration of the pass's outer
    /// loop (the live part).
    public var intermediateBytes: Double
    public var liveIntermediateBytes: Double
    /// The fused loop's outer ranks: those every Einsum of the pass iterates and none reduces
    /// (a reduction must finish before its consumer starts), with their extents. The Einsums
    /// pipeline over its iterations (what they do not lay out spatially).
    public var outerRanks: [String]
    public var outerExtents: [Int]
    /// Iterations of the fused loop: the product of the outer extents.
    public var iterations: Double { outerExtents.reduce(1.0) { $0 * Double($1) } }

    /// Every main Einsum of the pass, in cascade order.
    public var matrixMACs: Double { einsums.reduce(0) { $0 + $1.operations[.matrixMAC] } }
}

extension BoundCascade {
    /// The cascade's passes (FuseMax §III-A: Einsums of different passes are not fused), each
    /// Einsum with its ranks and bytes; tensors that cross a pass boundary go through DRAM.
    /// With `fused`, the whole cascade is one pass (the form Lightning-style kernels run:
    /// intermediates and running states stay on chip). `matrixPrecision` gives the matrix-operand
    /// precision per Einsum output name where it differs from the machine's.
    public func spatialPasses(namePrefix prefix: String = "", fused: Bool = false,
                              matrixPrecision: [String: Precision] = [:]) -> [SpatialPass] {
        let analysis = cascade.passAnalysis()
        let counts = operationCounts()
        let einsums = cascade.einsums
        func pass(_ i: Int) -> Int { fused ? 1 : (analysis.einsumPass[safe: i] ?? 1) }
        var producedIn: [String: Int] = [:]
        for (i, e) in einsums.enumerated() { producedIn[e.outputTensor] = pass(i) }
        let iterative = Set(cascade.ranks.filter(\.isIterative).map(\.name))
        func extent(_ r: String) -> Int { Swift.max(1, size(of: r) ?? 1) }
        var result: [SpatialPass] = []
        for p in 1...Swift.max(1, fused ? 1 : analysis.passes) {
            var members: [SpatialPass.Einsum] = []
            var read = Set<String>(), written = Set<String>(), held = Set<String>()
            var names: [String] = []
            for (i, e) in einsums.enumerated() where pass(i) == p {
                names.append(e.outputTensor)
                for t in e.inputTensors {
                    if (producedIn[t] ?? 0) != p { read.insert(t) } else { held.insert(t) }
                }
                let consumedLater = einsums.enumerated().contains { j, other in pass(j) > p && other.inputTensors.contains(e.outputTensor) }
                let role = cascade.tensor(named: e.outputTensor)?.role
                if consumedLater || role == .output { written.insert(e.outputTensor) } else { held.insert(e.outputTensor) }
                let ranks = e.iterationRanks.filter { !iterative.contains($0) }
                members.append(SpatialPass.Einsum(
                    name: e.outputTensor, operations: counts[safe: i] ?? OperationCounts(), ranks: ranks, extents: ranks.map(extent),
                    inputBytes: e.inputTensors.reduce(0.0) { $0 + bytes(of: $1) }, outputBytes: bytes(of: e.outputTensor),
                    matrixPrecision: matrixPrecision[e.outputTensor], location: e.location))
            }
            guard !names.isEmpty else { continue }
            held.subtract(written)
            held.subtract(read)
            let inPass = einsums.enumerated().filter { pass($0.offset) == p }.map(\.element)
            let reduced = Set(inPass.flatMap(\.reducedRanks))
            let first = inPass[0].iterationRanks
            let outer = first.filter { r in !reduced.contains(r) && inPass.allSatisfy { $0.iterationRanks.contains(r) } }
            var whole = 0.0, live = 0.0
            for t in held.sorted() {
                let b = bytes(of: t)
                whole += b
                let ranks = cascade.tensor(named: t)?.ranks ?? []
                let split = outer.filter(ranks.contains).reduce(1.0) { $0 * Double(extent($1)) }
                // A running state (indexed by the iterative rank) keeps two steps live.
                let steps = ranks.contains(where: iterative.contains) ? 2.0 : 1.0
                live += b / split * steps
            }
            result.append(SpatialPass(
                name: "\(prefix)pass \(p): " + names.joined(separator: ", "), einsums: members,
                dramReadBytes: read.sorted().reduce(0.0) { $0 + bytes(of: $1) },
                dramWriteBytes: written.sorted().reduce(0.0) { $0 + bytes(of: $1) },
                intermediateBytes: whole, liveIntermediateBytes: live, outerRanks: outer, outerExtents: outer.map(extent)))
        }
        return result
    }
}
