import EinsimCore
import EinsumIR
import HardwareModel

/// An attention cascade compiled for a spatial target (ASIC arrays, an NPU, a PIM system): per
/// Einsum its pass, which of the query (`p`) and key (`m`, or `m0`/`m1` where the cascade
/// partitions it) ranks it iterates, its operation counts for every key tile the mapper may
/// choose, and its producers; per tensor its size, precision and indexing. The mapper's candidates
/// and the spatial cost model read only this, so a candidate is scored without touching the IR.
public struct SpatialProblem: Sendable {
    /// How an Einsum's work scales with the key rank.
    public enum KeyScaling: Sendable, Hashable {
        /// Iterates every key (`m`, or `m1` with `m0`): one operation per score.
        case perKey
        /// Iterates key tiles only (`m1` without `m0`): one operation per tile per query.
        case perKeyTile
        /// Does not iterate keys (runs once per query after the key loop, or before it).
        case none
    }

    /// One main Einsum of the cascade.
    public struct EinsumInfo: Sendable, Hashable {
        public var name: String
        public var pass: Int
        public var key: KeyScaling
        public var query: Bool
        /// Operation counts per key tile of ``SpatialProblem/keyTiles`` (density applied).
        public var counts: [OperationCounts]
        /// Iteration-space points per key tile (density applied).
        public var points: [Double]
        /// Input tensors (indices into ``SpatialProblem/tensors``), with the Einsum that produces
        /// each (nil for a cascade input) and whether that dependence is carried across key tiles.
        public var inputs: [Input]
        public var output: Int
        /// Operation classes the Einsum needs (a unit runs it only if it runs all of them, or lends
        /// the missing ones to another unit).
        public var classes: [CostClass]
        public var location: SourceLocation?

        public struct Input: Sendable, Hashable {
            public var tensor: Int
            public var producer: Int?
            public var carried: Bool
            /// Iterations of the Einsum's inner ranks (other than batch, heads, queries, keys)
            /// that do not index this tensor: a processing element keeps the element in its
            /// registers across them.
            public var registerReuse: Double
        }
    }

    /// One tensor of the cascade (initialization copies such as `BK = K` partitioned are the
    /// input they copy).
    public struct TensorInfo: Sendable, Hashable {
        public var name: String
        public var role: TensorRole
        public var elementBytes: Double
        public var byQuery: Bool
        public var byKey: Bool
        /// Elements of the ranks other than batch, heads, queries and keys (e.g. E for Q, F for RNV).
        public var innerElements: Double
        /// Bytes of the whole tensor (batch and heads included) per key tile.
        public var bytes: [Double]
    }

    public let cascade: Cascade
    public let machine: Machine
    public let batch: Int, heads: Int, queries: Int, keys: Int
    /// Key tiles the mapper may choose (powers of two up to the key count, and the key count);
    /// a cascade without a partitioned key rank has its counts independent of the tile.
    public let keyTiles: [Int]
    public let einsums: [EinsumInfo]
    public private(set) var tensors: [TensorInfo]
    /// Whether the cascade partitions the key rank (`M0`), so the key tile is the cascade's M0.
    public let partitionsKeys: Bool
    /// The tiles the call's mask lets a mapping skip (dense by default).
    public var sparsity: SpatialSparsity = .dense
    /// Bytes per cached K/V element when the KV cache is quantized (nil: the operand precision);
    /// set by ``quantizeKVCache(bytesPerElement:)``.
    public private(set) var kvCacheBytesPerElement: Double?

    /// Matrix-operand precision per Einsum where it differs from the machine's (``setOperandPrecisions``),
    /// and the machine resolved at that precision (its units' matrix rates and energies).
    public private(set) var matrixPrecision: [Precision?] = []
    public private(set) var matrixMachines: [Precision: Machine] = [:]

    /// Runs the score Einsums (those reading the queries) with `qk` operands and the other
    /// matrix Einsums that read a key-indexed input (the values) with `pv` operands; Q and K are
    /// stored at `qk`'s width and V at `pv`'s. Each runs on the narrowest matrix path every
    /// matrix unit of the profile states (`<throughput precision=…>`) that holds the format
    /// exactly (``executionPath(for:)``); a 16-bit format is the machine's own path.
    public mutating func setOperandPrecisions(qk: Precision, pv: Precision) throws {
        func resolved(_ p: Precision) throws -> Precision? {
            let path = executionPath(for: p)
            if path == machine.precision { return nil }
            if matrixMachines[path] == nil { matrixMachines[path] = try Machine(profile: machine.profile, precision: path) }
            return path
        }
        let qkOverride = try resolved(qk), pvOverride = try resolved(pv)
        matrixPrecision = [Precision?](repeating: nil, count: einsums.count)
        var width: [Int: Double] = [:]
        for (i, e) in einsums.enumerated() where e.classes.contains(.matrixMAC) {
            let inputs = e.inputs.map(\.tensor).filter { tensors[$0].role == .input }
            if inputs.contains(where: { tensors[$0].byQuery }) {
                matrixPrecision[i] = qkOverride
                for t in inputs { width[t] = qk.bytes }
            } else if inputs.contains(where: { tensors[$0].byKey }) {
                matrixPrecision[i] = pvOverride
                for t in inputs where width[t] == nil { width[t] = pv.bytes }
            }
        }
        for (t, bytes) in width where tensors[t].elementBytes != bytes {
            let scale = bytes / max(tensors[t].elementBytes, 1e-12)
            tensors[t].elementBytes = bytes
            tensors[t].bytes = tensors[t].bytes.map { $0 * scale }
        }
    }

    /// The matrix path operands of `p` run on: `p` itself where every matrix unit states it, else
    /// the narrowest stated format that holds `p` exactly (fp8 on fp16/bf16, int4 on int8, ints on
    /// fp16), else the machine's precision.
    public func executionPath(for p: Precision) -> Precision {
        let sixteen: Set<Precision> = [.fp16, .bf16]
        if p == machine.precision || (sixteen.contains(p) && sixteen.contains(machine.precision)) { return machine.precision }
        let holders: [Precision]
        switch p {
        case .int2: holders = [.int2, .int4, .int8, .fp16, .bf16]
        case .int4: holders = [.int4, .int8, .fp16, .bf16]
        case .int8: holders = [.int8, .fp16, .bf16]
        case .fp8: holders = [.fp8, .fp16, .bf16]
        default: holders = [p]
        }
        let matrixUnits = machine.profile.computeUnits.filter { $0.operations.contains(.matrixMAC) }
        return holders.first { h in !matrixUnits.isEmpty && matrixUnits.allSatisfy { u in u.throughput.contains { $0.precision == h } } }
            ?? machine.precision
    }

    /// The machine whose units give Einsum `i`'s matrix rate and energy.
    public func matrixMachine(_ i: Int) -> Machine {
        matrixPrecision.indices.contains(i) ? matrixPrecision[i].flatMap { matrixMachines[$0] } ?? machine : machine
    }

    /// Stores the key-indexed inputs (K and V) at `bytesPerElement` (a quantized KV cache with
    /// its scales): their bytes shrink, and every element read from DRAM is dequantized (a
    /// multiply by its scale and an add of its zero point) before the arrays use it.
    public mutating func quantizeKVCache(bytesPerElement: Double) {
        guard bytesPerElement > 0, bytesPerElement.isFinite else { return }
        for t in tensors.indices where tensors[t].role == .input && tensors[t].byKey && !tensors[t].byQuery {
            let scale = bytesPerElement / max(tensors[t].elementBytes, 1e-12)
            tensors[t].elementBytes = bytesPerElement
            tensors[t].bytes = tensors[t].bytes.map { $0 * scale }
        }
        kvCacheBytesPerElement = bytesPerElement
    }

    /// Compiles `cascade` for `machine` at the given sizes (`B`, `H`, `P`, `M`, `E`, `F`, …).
    public init(cascade: Cascade, sizes: [String: Int], machine: Machine) throws {
        self.cascade = cascade
        self.machine = machine
        batch = sizes["B"] ?? 1; heads = sizes["H"] ?? 1
        queries = sizes["P"] ?? 1; keys = sizes["M"] ?? 1
        partitionsKeys = cascade.rank(named: "M0") != nil
        let arrayLanes = machine.units.map { $0.elements }.max() ?? 1
        var tiles: [Int] = []
        if partitionsKeys || cascade.rank(named: "M") != nil {
            var t = 1
            while t < keys && t <= max(arrayLanes, 1) { tiles.append(t); t *= 2 }
            if keys <= max(arrayLanes, 1) || tiles.isEmpty { tiles.append(min(keys, max(arrayLanes, 1))) }
        } else {
            tiles = [1]
        }
        keyTiles = Array(Set(tiles)).sorted()
        let fixed = sizes.filter { key, _ in
            guard let rank = cascade.rank(named: key) else { return false }
            if case .partition = rank.shape { return false }
            return true
        }
        var bounds: [BoundCascade] = []
        for t in keyTiles {
            var b = fixed
            if partitionsKeys { b["M0"] = min(t, keys) }
            bounds.append(try cascade.bind(b))
        }
        func root(_ r: String) -> String { cascade.partitionParent(of: r) ?? r }
        // Tensors: initialization copies stand for the input they copy.
        var copyOf: [String: String] = [:]
        for i in cascade.initializations {
            if let source = i.inputTensors.first, cascade.tensor(named: source)?.role == .input { copyOf[i.outputTensor] = source }
        }
        var tensorIndex: [String: Int] = [:]
        var tensorInfos: [TensorInfo] = []
        func index(of name: String) -> Int {
            let name = copyOf[name] ?? name
            if let i = tensorIndex[name] { return i }
            let t = cascade.tensor(named: name)
            let ranks = t?.ranks ?? []
            var inner = 1.0
            for r in ranks where !["b", "h", "p", "m"].contains(root(r)) { inner *= Double(bounds[0].size(of: r) ?? 1) }
            let info = TensorInfo(name: name, role: t?.role ?? .intermediate, elementBytes: t?.precision.bytes ?? 2,
                                  byQuery: ranks.contains { root($0) == "p" }, byKey: ranks.contains { root($0) == "m" && cascade.partition(outer: $0) == nil },
                                  innerElements: inner, bytes: bounds.map { $0.bytes(of: name) })
            tensorIndex[name] = tensorInfos.count
            tensorInfos.append(info)
            return tensorInfos.count - 1
        }
        let analysis = cascade.passAnalysis()
        let graph = cascade.dependencyGraph()
        var infos: [EinsumInfo] = []
        for (i, e) in cascade.einsums.enumerated() {
            let ranks = Set(e.iterationRanks)
            let roots = Set(ranks.map(root))
            let key: KeyScaling
            if ranks.contains(where: { root($0) == "m" && cascade.partition(outer: $0) == nil }) { key = .perKey }
            else if roots.contains("m") { key = .perKeyTile }
            else { key = .none }
            var inputs: [EinsumInfo.Input] = []
            let innerRanks = e.iterationRanks.filter { !["b", "h", "p", "m"].contains(root($0)) }
            for t in e.inputTensors {
                let producer = graph.edges.first { $0.consumer == EinsumID(index: i) && $0.tensor == t && !$0.producer.isInitialization }
                let indexes = Set(e.inputs.filter { $0.tensor == t }.flatMap(\.iteratedRanks))
                let reuse = innerRanks.filter { !indexes.contains($0) }.reduce(1.0) { $0 * Double(bounds[0].size(of: $1) ?? 1) }
                inputs.append(.init(tensor: index(of: t), producer: producer?.producer.index, carried: producer?.isLoopCarried ?? false,
                                    registerReuse: max(1, reuse)))
            }
            let counts = bounds.map { $0.operationCounts(of: e) }
            infos.append(EinsumInfo(
                name: e.outputTensor, pass: analysis.einsumPass.indices.contains(i) ? analysis.einsumPass[i] : 1,
                key: key, query: roots.contains("p"), counts: counts,
                points: bounds.map { $0.iterationSpaceSize(of: e) * e.density },
                inputs: inputs, output: index(of: e.outputTensor),
                classes: CostClass.allCases.filter { counts[0][$0] > 0 }, location: e.location))
        }
        einsums = infos
        tensors = tensorInfos
    }

    /// The index of the key tile `t` in ``keyTiles`` (nil when the mapper does not offer it).
    public func keyTileIndex(_ t: Int) -> Int? { keyTiles.firstIndex(of: t) }

    /// Units that run every operation class of Einsum `i` (indices into the machine's units).
    public func capableUnits(_ i: Int) -> [Int] {
        let classes = einsums[i].classes
        if classes.isEmpty { return [] }
        return machine.units.indices.filter { u in classes.allSatisfy { (machine.units[u].rate[$0] ?? 0) > 0 } }
    }

    /// Units that can host Einsum `i`: those that run all of its classes, or, where none does,
    /// those that run its leading class (the rest lent by the fastest unit that runs them).
    public func hostUnits(_ i: Int) -> [Int] {
        let capable = capableUnits(i)
        if !capable.isEmpty { return capable }
        let classes = einsums[i].classes
        guard let lead = [CostClass.matrixMAC, .specialFunction, .divide, .vectorMul, .vectorAdd, .vectorMax].first(where: classes.contains) else { return [] }
        return machine.units.indices.filter { (machine.units[$0].rate[lead] ?? 0) > 0 }
    }

    /// Bytes of the cascade's inputs and outputs, each moved once (compulsory traffic).
    public var compulsoryBytes: Double {
        tensors.filter { $0.role != .intermediate }.reduce(0) { $0 + $1.bytes[0] }
    }
}
