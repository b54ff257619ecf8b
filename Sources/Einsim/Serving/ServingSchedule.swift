import EinsimCore
import HardwareModel
import Simulator
import Workloads

/// One layer of a decode iteration on one device of a pipeline stage, as a loop body for the
/// cycle-level engine: every operation of the layer, for every sub-batch, becomes tasks on the
/// device's resources (the NPU's arrays or the GPU, the NPU's vector units, the external memory
/// bus, the PIM banks, the link), chained by data dependencies; streamed weights pass through a
/// scratchpad that holds `depth` chunks (double buffering), so a weight load may run ahead of the
/// arrays — across an attention phase too, when the memory lets PIM and normal reads proceed
/// together. The next layer (the next iteration) of a sub-batch starts after this layer's last
/// operation of that sub-batch.
struct ServingLayerBody {
    var body = LoopBody()
    /// Dynamic energy of each task (joules), by component.
    var taskEnergy: [[String: Double]] = []
    /// FLOPs and MACs of one layer on this device.
    var flops = 0.0
    var computeMACs = 0.0
    var externalBytes = 0.0
    var pimInternalBytes = 0.0
    var pimImbalance = 1.0
    var notes: [String] = []
}

struct ServingLayerBuilder {
    let workload: ServingWorkload
    let machine: ServingMachine
    let organization: ServingOrganization
    let subBatches: Int
    let variant: ServingVariant

    private var resources: [String: Int] = [:]
    private var out = ServingLayerBody()
    private var loads: [Int] = [], macs: [Int] = []
    private var last: [Int?]
    private var first: [Int?]

    init(workload: ServingWorkload, machine: ServingMachine, organization: ServingOrganization, subBatches: Int, variant: ServingVariant) {
        self.workload = workload; self.machine = machine; self.organization = organization; self.variant = variant
        self.subBatches = max(1, subBatches)
        last = Array(repeating: nil, count: self.subBatches)
        first = Array(repeating: nil, count: self.subBatches)
    }

    private mutating func resource(_ name: String) -> Int {
        if let r = resources[name] { return r }
        let r = out.body.addResource(name)
        resources[name] = r
        return r
    }

    /// Adds a task on `resourceName` after the sub-batch's previous task.
    @discardableResult
    private mutating func task(_ name: String, on resourceName: String, seconds: Double, energy: [String: Double] = [:],
                               subBatch s: Int, chained: Bool = true, extra: [LoopDependency] = []) -> Int {
        var deps = extra
        if chained, let p = last[s] { deps.append(LoopDependency(task: p)) }
        let index = out.body.addTask(subBatches > 1 ? "\(name) [sub-batch \(s + 1)]" : name,
                                     on: resource(resourceName), duration: max(0, seconds), after: deps)
        out.taskEnergy.append(energy)
        if chained { last[s] = index; if first[s] == nil { first[s] = index } }
        return index
    }

    /// A PIM phase. With its own row buffers (`pim`) every bus runs its GEMVs as a task of its
    /// own (`pim bus K`: the trace shows each bus and the load imbalance) and the phase ends when
    /// the last bus does; with one row buffer (`hbm`) the phase holds the whole memory.
    private mutating func pimPhase(_ name: String, _ cost: PIMPhaseCost, on pimResource: String, subBatch s: Int) {
        let energy = [machine.pimName + " PIM": cost.energyJoules]
        guard pimResource == "pim", cost.busSeconds.count > 1 else {
            task(name, on: pimResource, seconds: cost.seconds, energy: energy, subBatch: s)
            return
        }
        let after = last[s].map { [LoopDependency(task: $0)] } ?? []
        var buses: [LoopDependency] = []
        for (k, t) in cost.busSeconds.enumerated() where t > 0 {
            buses.append(LoopDependency(task: task(name, on: "pim bus \(k)", seconds: t, energy: [:], subBatch: s, chained: false, extra: after)))
        }
        task(name, on: "pim", seconds: 0, energy: energy, subBatch: s, chained: true, extra: buses)
    }

    mutating func build() throws -> ServingLayerBody {
        let model = workload.shardedModel
        let contexts = workload.contextLengths
        let requests = (0..<subBatches).map { s in contexts.indices.filter { $0 % subBatches == s }.map { contexts[$0] } }
        for s in 0..<subBatches where requests[s].isEmpty {
            throw SimpleInputError("--batch \(workload.batch) is too small for \(subBatches) sub-batches", suggestion: "use --batch \(subBatches) or more, or --mapping npu+pim")
        }
        let meanContext = max(1, Int(workload.meanContextLength.rounded()))
        let tp = workload.parallelism.tensor
        if tp > 1, machine.interconnectBandwidth == nil {
            throw SimulationError.unsupported("'\(machine.profile.name)' gives no interconnect-bandwidth parameter for the tensor-parallel all-reduce of --tensor-parallel \(tp); add <parameter name=\"interconnect-bandwidth\">…</parameter> to the profile or use --tensor-parallel 1")
        }
        let operationsBySubBatch = requests.map { TransformerBlock.operations(model: model, phase: .decode, seq: meanContext, batch: $0.count) }
        // GPU kernels of the whole layer first, so the power limit sets one clock for them.
        var gpuKernels: [[[KernelCost]]] = Array(repeating: [], count: subBatches)
        var gpuRatio = 1.0
        if let gpu = machine.gpu {
            let engine = RooflineEngine()
            for s in 0..<subBatches {
                for op in operationsBySubBatch[s] {
                    gpuKernels[s].append(try self.gpuKernels(op, requests: requests[s], gpu: gpu, engine: engine))
                }
            }
            gpuRatio = PowerCapping.clockRatio(kernels: gpuKernels.flatMap { $0.flatMap { $0 } }, idleWatts: gpu.idleWatts, limitWatts: gpu.limitWatts,
                                               minimumRatio: gpu.minimumClockRatio)
        }
        let operationCount = operationsBySubBatch[0].count
        for index in 0..<operationCount {
            for s in 0..<subBatches {
                let op = operationsBySubBatch[s][index]
                switch op.work {
                case let .gemm(m, n, k):
                    out.flops += 2 * Double(m) * Double(n) * Double(k)
                    if let npu = machine.npu { npuGEMM(op.name, m: m, n: n, k: k, npu: npu, subBatch: s) }
                    else { gpuTasks(op.name, gpuKernels[s][index], ratio: gpuRatio, subBatch: s) }
                    if tp > 1, op.name == "output projection" || op.name == "ffn down", let bandwidth = machine.interconnectBandwidth {
                        let bytes = Double(m) * Double(model.dModel) * 2
                        task("all-reduce (\(op.name))", on: "link", seconds: 2 * Double(tp - 1) / Double(tp) * bytes / bandwidth, subBatch: s)
                    }
                case let .selfAttention(shape):
                    try attention(requests: requests[s], shape: shape, gpuKernel: machine.gpu == nil ? nil : gpuKernels[s][index],
                                  ratio: gpuRatio, subBatch: s)
                case let .elementwise(elements, vectorOps, specialOps, _):
                    if let npu = machine.npu {
                        let seconds = elements * vectorOps / npu.vectorOpsPerSecond + elements * specialOps / npu.specialOpsPerSecond
                        task(op.name, on: "vector", seconds: seconds, energy: ["\(npu.name) vector units": elements * (vectorOps + specialOps) * npu.vectorJoules], subBatch: s)
                    } else {
                        gpuTasks(op.name, gpuKernels[s][index], ratio: gpuRatio, subBatch: s)
                    }
                case .crossAttention:
                    throw SimulationError.unsupported("cross-attention models are not served by --scope serving")
                }
            }
        }
        finishBuffers()
        // Layer l + 1 of a sub-batch starts after layer l of it.
        for s in 0..<subBatches {
            if let f = first[s], let l = last[s] { out.body.tasks[f].dependencies.append(LoopDependency(task: l, distance: 1)) }
        }
        return out
    }

    // MARK: GEMMs

    /// A GEMM on weight-stationary systolic arrays: the weights stream from memory in chunks of
    /// one column panel per array (k × columns each); a chunk's MACs take, per weight tile of
    /// rows × columns, max(m, rows) cycles (the next tile's weights shift in while m activation
    /// rows stream through) plus one fill of rows + columns.
    private mutating func npuGEMM(_ name: String, m: Int, n: Int, k: Int, npu: ServingMachine.NPU, subBatch s: Int) {
        let panel = npu.columns * npu.arrays
        let chunks = max(1, (n + panel - 1) / panel)
        let element = 2.0
        for c in 0..<chunks {
            let columns = min(panel, n - c * panel)
            let bytes = Double(k) * Double(columns) * element
            let perArray = (columns + npu.arrays - 1) / npu.arrays
            let tiles = Double((k + npu.rows - 1) / npu.rows) * Double((perArray + npu.columns - 1) / npu.columns)
            let cycles = tiles * Double(max(m, npu.rows)) + Double(npu.rows + npu.columns)
            let macCount = Double(m) * Double(k) * Double(columns)
            out.computeMACs += macCount
            out.externalBytes += bytes
            let load = task("\(name) weights \(c + 1)/\(chunks)", on: "hbm", seconds: machine.memory.readSeconds(bytes),
                            energy: [machine.memory.name: bytes * machine.memory.joulesPerByte], subBatch: s, chained: false)
            let mac = task("\(name) \(c + 1)/\(chunks)", on: "npu", seconds: cycles / npu.clockHz,
                           energy: ["\(npu.name) arrays": macCount * npu.macJoules], subBatch: s, extra: [LoopDependency(task: load)])
            loads.append(load); macs.append(mac)
        }
    }

    /// Streamed chunks wait for scratchpad space: load j waits for the arrays to finish chunk
    /// j − depth (of this layer, or of the previous one).
    private mutating func finishBuffers() {
        guard let npu = machine.npu, !loads.isEmpty else { return }
        let chunkBytes = maxChunkBytes(npu)
        let depth = max(1, Int((npu.scratchpadBytes / max(chunkBytes, 1)).rounded(.down)))
        let n = loads.count
        for j in 0..<n {
            let source = j - depth
            if source >= 0 { out.body.tasks[loads[j]].dependencies.append(LoopDependency(task: macs[source])) }
            else if n + source >= 0 { out.body.tasks[loads[j]].dependencies.append(LoopDependency(task: macs[n + source], distance: 1)) }
        }
        if depth < 2 { out.notes.append("scratchpad holds \(depth) weight chunk(s): no double buffering") }
    }

    private func maxChunkBytes(_ npu: ServingMachine.NPU) -> Double {
        let model = workload.shardedModel
        return Double(max(model.dModel, model.ffn)) * Double(npu.columns * npu.arrays) * 2
    }

    // MARK: attention

    private mutating func attention(requests: [Int], shape: AttentionShape, gpuKernel: [KernelCost]?, ratio: Double, subBatch s: Int) throws {
        let heads = shape.kvHeads, d = shape.headDim, dv = shape.valueDim
        let bytes = variant.bytesPerElement
        // What each request attends after the variant's selection (K rows and V rows).
        let rowBytes = machine.pim?.timing.dram.rowBytes ?? 1024
        let banks = machine.pim?.timing.dram.banksPerBus ?? 1
        let keysPerRow = ServingVariant.keysPerRow(rowBytes: rowBytes, headDim: d, bytesPerElement: bytes)
        // Values are split by column over the banks: a bank's row holds its columns of many tokens.
        let valueTokensPerRow = Int(min(4e15, max(1, ((rowBytes / bytes).rounded(.down) * Double(banks) / Double(max(1, dv))).rounded(.down))))
        let keyGroups = requests.map { variant.groups(context: $0, heads: heads, keysPerRow: keysPerRow) }
        let valueGroups = requests.map { variant.groups(context: $0, heads: heads, keysPerRow: valueTokensPerRow) }
        let scorers = requests.map { variant.scorer(context: $0, headDim: d) }
        let attended = keyGroups.reduce(0.0) { acc, groups in acc + groups.reduce(0.0) { $0 + Double($1.tokens * $1.heads) } } * Double(shape.heads / max(1, heads))
        let scored = scorers.reduce(0.0) { acc, sc in acc + Double((sc?.tokens ?? 0) * heads) }
        let scorerElements = scorers.reduce(0.0) { acc, sc in acc + Double((sc?.tokens ?? 0) * (sc?.dimension ?? 0) * heads) }
        out.flops += 2 * attended * Double(d + dv) + 2 * scorerElements
        if organization.attentionOnPIM {
            guard let pim = machine.pim else {
                throw SimulationError.unsupported("--mapping \(organization.rawValue) runs attention in PIM banks, and '\(machine.profile.name)' has none; use --mapping \(machine.npu == nil ? "gpu-only" : "npu-only") or a PIM system (neupims, newton-npu-pim, attacc)")
            }
            // Grouped-query attention: the banks hold the group's queries; a row feeds each of them.
            let group = max(1, shape.heads / max(1, shape.kvHeads))
            var scorePhase: [[PIMGEMVJob]] = [], qk: [[PIMGEMVJob]] = [], av: [[PIMGEMVJob]] = []
            for r in requests.indices {
                if let sc = scorers[r] { scorePhase.append([PIMGEMVJob(product: .scores, tokens: sc.tokens, dimension: sc.dimension, count: heads, queries: group)]) }
                qk.append(keyGroups[r].map { PIMGEMVJob(product: .scores, tokens: $0.tokens, activatedTokens: $0.activated, dimension: d, count: $0.heads, queries: group) })
                av.append(valueGroups[r].map { PIMGEMVJob(product: .values, tokens: $0.tokens, activatedTokens: $0.activated, dimension: dv, count: $0.heads, queries: group) })
            }
            let phases = scorePhase.isEmpty ? [qk, av] : [scorePhase, qk, av]
            let costs = pim.cost(phases: phases, bytesPerElement: bytes)
            for c in costs {
                out.pimInternalBytes += c.internalBytes
                out.pimImbalance = max(out.pimImbalance, c.imbalance)
            }
            // NeuPIMs/Newton: one row buffer → PIM and normal accesses take turns on the same banks.
            let pimResource = machine.memory.sharedWithPIM && machine.pimRowBuffers < 2 ? "hbm" : "pim"
            if organization.transfersOverLink {
                let bytes = 3 * Double(requests.count) * Double(shape.heads * d) * 2
                task("q, k, v to the attention devices", on: "link", seconds: linkSeconds(bytes), energy: linkEnergy(bytes), subBatch: s)
            }
            var phase = 0
            if !scorePhase.isEmpty {
                pimPhase("token scoring (PIM)", costs[0], on: pimResource, subBatch: s)
                select(scored: scored, subBatch: s, ratio: ratio)
                phase = 1
            }
            pimPhase("attention q·K (PIM)", costs[phase], on: pimResource, subBatch: s)
            softmax(scores: attended, subBatch: s)
            pimPhase("attention p·V (PIM)", costs[phase + 1], on: pimResource, subBatch: s)
            if organization.transfersOverLink {
                let bytes = Double(requests.count) * Double(shape.heads * dv) * 2
                task("attention output back", on: "link", seconds: linkSeconds(bytes), energy: linkEnergy(bytes), subBatch: s)
            }
            return
        }
        if let npu = machine.npu {
            // GEMVs on the arrays: each weight tile (rows × columns of K or V) is shifted in for
            // one query row, so a tile takes `rows` cycles; the KV cache streams over the bus
            // (token-granular DMA: only the selected tokens' bytes).
            if scorerElements > 0 {
                let scoreBytes = scorerElements * bytes
                out.externalBytes += scoreBytes
                let load = task("token scoring reads", on: "hbm", seconds: machine.memory.readSeconds(scoreBytes),
                                energy: [machine.memory.name: scoreBytes * machine.memory.joulesPerByte], subBatch: s, chained: false)
                task("token scoring (arrays)", on: "npu", seconds: scorerElements / Double(npu.columns * npu.arrays) / npu.clockHz,
                     energy: ["\(npu.name) arrays": scorerElements * npu.macJoules], subBatch: s, extra: [LoopDependency(task: load)])
                select(scored: scored, subBatch: s, ratio: ratio)
            }
            // Each request's K (d × tokens) and V (tokens × d) per KV head is its own weight
            // tile set: a partial tile still takes the array's `rows` shift cycles, and serves
            // the GQA group's query rows. The cache streams through the scratchpad in chunks,
            // double-buffered against the arrays.
            let group = max(1, shape.heads / max(1, heads))
            func ceilDiv(_ a: Int, _ b: Int) -> Double { Double((a + max(b, 1) - 1) / max(b, 1)) }
            for (label, dimension) in [("q·K", d), ("p·V", dv)] {
                let elements = attended / Double(group) * Double(dimension)
                let bytesRead = elements * bytes
                out.externalBytes += bytesRead
                out.computeMACs += elements * Double(group)
                let tiles = keyGroups.reduce(0.0) { acc, groups in
                    acc + groups.reduce(0.0) { t, g in
                        t + Double(g.heads) * (label == "q·K" ? ceilDiv(g.tokens, npu.columns) * ceilDiv(dimension, npu.rows)
                                                              : ceilDiv(g.tokens, npu.rows) * ceilDiv(dimension, npu.columns))
                    }
                }
                let arraySeconds = tiles * Double(max(group, npu.rows)) / Double(npu.arrays) / npu.clockHz
                let chunks = max(1, min(16, Int((bytesRead / max(maxChunkBytes(npu), 1)).rounded(.up))))
                let share = 1 / Double(chunks)
                var streamed: [Int] = []
                for c in 0..<chunks {
                    let name = chunks > 1 ? "attention \(label) KV cache \(c + 1)/\(chunks)" : "attention \(label) KV cache"
                    let load = task(name, on: "hbm", seconds: machine.memory.readSeconds(bytesRead * share),
                                    energy: [machine.memory.name: bytesRead * share * machine.memory.joulesPerByte], subBatch: s, chained: false,
                                    extra: c >= 2 ? [LoopDependency(task: streamed[c - 2])] : [])
                    streamed.append(task(chunks > 1 ? "attention \(label) (arrays) \(c + 1)/\(chunks)" : "attention \(label) (arrays)", on: "npu",
                                         seconds: arraySeconds * share,
                                         energy: ["\(npu.name) arrays": elements * Double(group) * share * npu.macJoules], subBatch: s,
                                         extra: [LoopDependency(task: load)]))
                }
                if label == "q·K" { softmax(scores: attended, subBatch: s) }
            }
            return
        }
        guard let kernels = gpuKernel else { return }
        gpuTasks("self-attention", kernels, ratio: ratio, subBatch: s)
    }

    /// Top tokens from the scorer's estimates on the vector units: a compare and a select per
    /// scored candidate (lead: a streaming top-k over a small k).
    private mutating func select(scored: Double, subBatch s: Int, ratio: Double) {
        if let npu = machine.npu {
            task("select tokens", on: "vector", seconds: 2 * scored / npu.vectorOpsPerSecond,
                 energy: ["\(npu.name) vector units": 2 * scored * npu.vectorJoules], subBatch: s)
        } else if let gpu = machine.gpu {
            var ops = OperationCounts()
            ops[.vectorMax] = scored; ops[.vectorAdd] = scored
            let kernel = RooflineEngine().passKernel(PassWork(name: "select tokens", operations: ops, dramBytes: scored * 2 * 2), machine: gpu)
            gpuTask("select tokens", kernel, ratio: ratio, subBatch: s)
        }
    }

    /// Softmax over the scores: max, subtract, exp, sum, divide per score (4 vector operations
    /// and one exp) on the NPU's vector units, or as a GPU pass kernel.
    private mutating func softmax(scores: Double, subBatch s: Int) {
        if let npu = machine.npu {
            let seconds = scores * 4 / npu.vectorOpsPerSecond + scores / npu.specialOpsPerSecond
            task("softmax", on: "vector", seconds: seconds, energy: ["\(npu.name) vector units": scores * 5 * npu.vectorJoules], subBatch: s)
        } else if let gpu = machine.gpu {
            var ops = OperationCounts()
            ops[.vectorAdd] = scores * 2; ops[.vectorMax] = scores; ops[.divide] = scores; ops[.specialFunction] = scores
            let kernel = RooflineEngine().passKernel(PassWork(name: "softmax", operations: ops, dramBytes: scores * 2 * 2), machine: gpu)
            gpuTask("softmax", kernel, ratio: 1, subBatch: s)
        }
    }

    private func linkSeconds(_ bytes: Double) -> Double {
        guard let link = machine.link, link.bandwidthBytesPerSecond > 0 else { return 0 }
        return link.latencySeconds + bytes / link.bandwidthBytesPerSecond
    }

    private func linkEnergy(_ bytes: Double) -> [String: Double] {
        ["link": bytes * 8 * (machine.link?.energyPerBit ?? 0)]
    }

    // MARK: GPU

    /// The GPU kernels of one operation (attention: the planner's kernels, e.g. a split-KV pass
    /// and its combine, each charged as itself).
    private func gpuKernels(_ op: BlockOperation, requests: [Int], gpu: GPUMachine, engine: RooflineEngine) throws -> [KernelCost] {
        switch op.work {
        case let .gemm(m, n, k):
            return [engine.gemmKernel(GEMMShape(m: m, n: n, k: k), machine: gpu)]
        case let .elementwise(elements, vec, sfu, bytes):
            var ops = OperationCounts()
            ops[.vectorAdd] = elements * vec; ops[.specialFunction] = elements * sfu
            return [engine.passKernel(PassWork(name: op.name, operations: ops, dramBytes: elements * bytes), machine: gpu)]
        case let .selfAttention(shape):
            // The decode kernel over the sub-batch's mean KV length (the GPU kernel model takes one
            // length per call; varlen batches of equal total length stream the same bytes).
            var s = shape
            s.kvLen = max(1, Int((Double(requests.reduce(0, +)) / Double(max(1, requests.count))).rounded()))
            let plan = try AttentionPlanner.plan(shape: s, variant: variant.spec, preset: .auto, machine: gpu)
            guard !plan.kernels.isEmpty else {
                throw SimulationError.unsupported("the GPU kernel model gave no kernel for decode attention of \(s)")
            }
            return plan.kernels
        case .crossAttention:
            throw SimulationError.unsupported("cross-attention models are not served by --scope serving")
        }
    }

    /// One task per kernel, in order (a lone kernel keeps the operation's name).
    private mutating func gpuTasks(_ name: String, _ kernels: [KernelCost], ratio: Double, subBatch s: Int) {
        for kernel in kernels {
            gpuTask(kernels.count == 1 ? name : "\(name): \(kernel.name)", kernel, ratio: ratio, subBatch: s)
        }
    }

    private mutating func gpuTask(_ name: String, _ kernel: KernelCost, ratio: Double, subBatch s: Int) {
        out.externalBytes += kernel.dramBytes
        task(name, on: "gpu", seconds: kernel.seconds(clockRatio: ratio),
             energy: ["gpu": kernel.onChipEnergy(clockRatio: ratio),
                      machine.memory.name: kernel.dramEnergy + kernel.memoryActiveEnergy(seconds: kernel.seconds(clockRatio: ratio))], subBatch: s)
    }
}
