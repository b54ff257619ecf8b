import EinsimCore
import Mapper
import Workloads

/// Tile-level roofline of a fused (1-pass) attention kernel on a GPU-like machine.
///
/// Per tile (blockQ × blockKV scores) each resource's cycles come from the cascade's per-score
/// work and the machine's rates: matrix MACs on the mapping's instruction path, exps on the
/// special-function units, vector ops on the ALUs, the streamed tensors' tiles from shared memory
/// and L2. Matrix and shared-memory work overlap (asynchronous copies, other warps); softmax work
/// overlaps with them by the kernel's overlap fraction. Thread blocks are quantized into waves
/// over the SMs. Bytes per level come from the mapping's loop nest over the cascade's own inputs
/// and outputs (``ReuseAnalysis``): an extra input is traffic like Q, K and V.
struct AttentionKernelModel {
    /// The machine, held by reference: the search re-points one model at every candidate, and
    /// copying a model must not copy the machine.
    private let machineRef: GPUMachineRef
    var machine: GPUMachine { _read { yield machineRef.machine } }
    let shape: AttentionShape
    var mapping: AttentionMapping
    var costs: ScoreCosts
    let elementBytes: Double
    /// The tensors crossing the kernel (the cascade's inputs and outputs).
    var tensors: [AttentionTensor] = AttentionTensor.standard
    /// The mapping's path rate and MAC energy and its family's combine step, when the caller has
    /// looked them up already (the search); otherwise read from the machine.
    var pathRate: Double? = nil
    var pathMACEnergy: Double? = nil
    var combineStep: Double? = nil

    init(machine: GPUMachine, shape: AttentionShape, mapping: AttentionMapping, costs: ScoreCosts, elementBytes: Double,
         tensors: [AttentionTensor] = AttentionTensor.standard) {
        machineRef = GPUMachineRef(machine)
        self.shape = shape; self.mapping = mapping; self.costs = costs; self.elementBytes = elementBytes; self.tensors = tensors
    }

    /// The kernel's tile schedule, loop nest and traffic.
    struct Layout {
        var schedule: TileSchedule
        /// The nest, tensors and per-entry traffic (empty on the search's compiled path).
        var nest: LoopNest
        var mapped: [MappedTensor]
        var reuse: ReuseAnalysis.Result
        /// Bytes of the split-KV partial outputs and log-sum-exps.
        var partialBytes: Double
        var inFlight: Int
        /// Resident thread blocks per SM.
        var resident: Int
        /// Bytes of the streamed (key-indexed) tensors per key tile.
        var streamedTileBytes: Double
        /// Bytes of the other tensors per thread block (padded tile rows).
        var perBlockBytes: Double
        var dramBytes: Double
        var l2Bytes: Double
        /// Fraction of the streamed tensors' bytes that the SMs' reads take from DRAM (the rest
        /// hit in L2: query heads of a GQA group, row blocks sharing keys).
        var streamedDRAMFraction: Double
    }

    var rowsPerHead: Int { mapping.packsGroups ? shape.groupSize : shape.qLen }

    /// The family's decode MAC energy (`PRESET.decode-mac-energy`) when this call is a decode:
    /// a single query per head (FA2's decode dispatch, `seqlen_q == 1`, the GQA group swapped into
    /// the tile's rows), in its split-KV or its regular kernel. Calls with several query positions
    /// (prefill, chunked prefill, also when split) keep the path's MAC energy: measured there.
    var decodeMACEnergy: Double? {
        guard shape.qLen == 1 else { return nil }
        return machine.familyDecodeMACEnergy[mapping.traits.family.rawValue]
    }

    /// Matrix work per score on the kernel's tiles over the cascade's own: a kernel compiled for
    /// head dims 64/128/256 runs d = 80 on 128-column tiles (``KernelTraits/paddedHeadDim(_:)``).
    var headDimPadding: Double {
        let t = mapping.traits, e = shape.headDim, f = shape.valueDim
        guard e + f > 0 else { return 1 }
        return Double(t.paddedHeadDim(e) + t.paddedHeadDim(f)) / Double(e + f)
    }

    func layout(prepared: PreparedAttention? = nil) -> Layout {
        let p = machine.processors
        let bq = mapping.blockQ, bk = mapping.blockKV
        let resident = machine.residentBlocksPerSM(mapping, headDim: shape.headDim, valueDim: shape.valueDim, elementBytes: elementBytes)
        let inFlight = max(1, min(mapping.threadBlocks, p * resident))
        let schedule = TileSchedule(shape: shape, rows: rowsPerHead, keys: shape.kvLen, blockQ: bq, blockKV: bk,
                                    threadBlocksInFlight: inFlight, rowsAtLastPosition: mapping.packsGroups || shape.qLen == 1,
                                    masksEveryTileOnRaggedKeys: mapping.traits.masksEveryTileOnRaggedKeys && !mapping.splitKernel)
        let touched = mapping.touchedKeys(shape: shape, maxTilesPerRowBlock: schedule.maxTiles, rowBlocks: schedule.rowBlocks)
        let lv = machine.levels
        let capacity = machine.l2ResidentFraction * machine.l2Capacity
        var streamed = 0.0, perBlock = 0.0, dram = 0.0, l2 = 0.0, keyDRAM = 0.0, keyL2 = 0.0, partial = 0.0
        let touchedTiles = (touched / Double(bk)).rounded(.up)
        let tilesPerSplit = (touchedTiles / Double(max(1, mapping.splits))).rounded(.up)
        let nestTiles = Double(schedule.rowBlocks) * tilesPerSplit * Double(max(1, mapping.splits))
        let visited = nestTiles > 0 ? min(1, schedule.totalTiles / nestTiles) : 1
        let padRows = Double(bq) / Double(max(1, mapping.realRowsPerTile))
        func account(key: Bool, partialTensor: Bool, l2Entry: (tile: Double, parent: Double)?,
                     sharedEntry: (tile: Double, parent: Double)?, registerEntry: (tile: Double, parent: Double)?) {
            dram += l2Entry?.parent ?? 0
            if partialTensor { partial += l2Entry?.tile ?? 0 }
            if key {
                streamed += registerEntry?.tile ?? 0
                let fromL2 = (sharedEntry?.parent ?? 0) * visited
                l2 += fromL2; keyL2 += fromL2; keyDRAM += l2Entry?.parent ?? 0
            } else {
                perBlock += (registerEntry?.tile ?? 0) * padRows
                l2 += registerEntry?.parent ?? 0
            }
        }
        var nest = LoopNest(levels: []), mapped: [MappedTensor] = [], reuse = ReuseAnalysis.Result(entries: [])
        if let prepared {
            // The search's path: the compiled reuse analysis on this candidate's numbers.
            let st = prepared.structure(for: mapping)
            let n = st.tensors.count
            mapping.writeFactors(shape: shape, touchedKeys: touched, into: prepared.factors)
            mapping.writeExtents(masks: st.masks, others: st.others, shape: shape, touchedKeys: touched, into: prepared.extents)
            st.elementBytes.withUnsafeBufferPointer { b in
                st.compiled.evaluate(factors: UnsafeBufferPointer(prepared.factors), extents: UnsafeBufferPointer(prepared.extents),
                                     elementBytes: b, limitCapacity: capacity, concurrentChildren: Double(inFlight),
                                     tileBytes: prepared.tile, parentBytes: prepared.parent)
            }
            func entry(_ e: Int) -> (tile: Double, parent: Double)? { e >= 0 ? (prepared.tile[e], prepared.parent[e]) : nil }
            for i in 0..<n {
                account(key: st.keyTensor[i], partialTensor: st.partial[i],
                        l2Entry: entry(st.atL2[i]), sharedEntry: entry(st.atShared[i]), registerEntry: entry(st.atRegisters[i]))
            }
        } else {
            mapped = mapping.mappedTensors(tensors, shape: shape, elementBytes: elementBytes, touchedKeys: touched)
            let keyTensors = mapped.filter { $0.indexes("m") }.map(\.name)
            nest = mapping.loopNest(shape: shape, levels: lv, tensors: mapped.map(\.name), keyTensors: keyTensors,
                                    touchedKeys: touched, processors: p)
            let limit = ReuseAnalysis.MulticastLimit(capacityBytes: capacity, concurrentChildren: Double(inFlight))
            reuse = ReuseAnalysis.analyze(nest, tensors: mapped, limits: [lv.l2: limit])
            func entry(_ t: String, _ level: String) -> (tile: Double, parent: Double)? {
                reuse.entry(t, level).map { ($0.tileBytes, $0.parentBytes) }
            }
            for t in mapped {
                account(key: t.indexes("m"), partialTensor: t.name.hasSuffix(".partial") || t.name.hasSuffix(".lse"),
                        l2Entry: entry(t.name, lv.l2), sharedEntry: entry(t.name, lv.shared), registerEntry: entry(t.name, lv.registers))
            }
        }
        let bh = Double(shape.batch * (mapping.packsGroups ? shape.kvHeads : shape.heads))
        dram += schedule.indexBytes * bh
        return Layout(schedule: schedule, nest: nest, mapped: mapped, reuse: reuse, partialBytes: partial, inFlight: inFlight, resident: resident,
                      streamedTileBytes: streamed, perBlockBytes: perBlock, dramBytes: dram, l2Bytes: l2,
                      streamedDRAMFraction: keyL2 > 0 ? min(1, keyDRAM / keyL2) : 1)
    }

    /// Cycles one tile keeps an SM busy, and the per-resource cycles behind it.
    /// `core`: the SM's own work on the tile (matrix, shared memory, softmax), without the L2 transfer.
    func tileCycles(streamedTileBytes: Double) -> (total: Double, matrix: Double, softmax: Double, shared: Double, l2: Double, core: Double) {
        let scores = Double(mapping.blockQ * mapping.blockKV)
        let traits = mapping.traits
        let matrix = scores * costs.macs * headDimPadding / (pathRate ?? machine.matrixRate(path: mapping.matrixPath))
        let sfu = scores * costs.exps / machine.specialFunctionRate
        let alu = scores * (costs.vectorOps + traits.extraALUOpsPerScore) / machine.vectorRate
            + scores * costs.divides / machine.divideRate
        // The matrix unit reads the K/V tiles from shared memory at the kernel's tile width: a head
        // dim padded to the compiled one reads its zero columns too (the L2 transfer does not).
        let shared = traits.sharedMemoryReadsPerTile * streamedTileBytes * headDimPadding / machine.sharedMemoryBytesPerCycle
        // Tiles the copy engine loads (TMA) stream at its L2 rate, `cp.async` tiles at the L2's.
        let bulk = !mapping.splitKernel && traits.loadsTilesByBulkCopy && machine.l2BulkCopyBandwidth > 0
        let l2PerSMPerCycle = (bulk ? machine.l2BulkCopyBandwidth : machine.l2Bandwidth) / Double(machine.processors) / machine.clockHz
        let l2 = streamedTileBytes / l2PerSMPerCycle
        let primary = max(matrix, shared)
        let softmax = sfu + alu
        let overlap = min(1, max(0, traits.softmaxOverlap))
        let core = max(primary, softmax) + (1 - overlap) * min(primary, softmax)
        return (max(core, l2), matrix, softmax, shared, l2, core)
    }

    func cost() -> KernelCost { cost(layout: layout()) }

    /// `named`: build the kernel's display name (reports); the search skips it.
    func cost(layout: Layout, named: Bool = true) -> KernelCost {
        let p = machine.processors
        let f = machine.clockHz
        let bq = mapping.blockQ
        let bk = mapping.blockKV
        let bh = shape.batch * (mapping.packsGroups ? shape.kvHeads : shape.heads)
        let schedule = layout.schedule
        let tile = tileCycles(streamedTileBytes: layout.streamedTileBytes)
        let splits = max(1, mapping.splits)
        let scoresPerTile = Double(bq * bk)
        let tilesPerHead = schedule.totalTiles
        let totalTiles = tilesPerHead * Double(bh)
        let maskOps = schedule.partialTiles * Double(bh) * scoresPerTile * 2  // compare + select per masked score
        let blocks = mapping.threadBlocks
        let dramShare = machine.dramBandwidth / Double(max(1, min(blocks, p)))
        let perBlockOverheadSeconds = layout.perBlockBytes / dramShare
        var tileSeconds = tile.total / f
        // An SM whose schedulers hold one warp each cannot hide that warp's dependency stalls on
        // its synchronous mma.sync results (matrix → softmax → matrix in FA2's 4-warp blocks when
        // a wave leaves one block per SM). wgmma is asynchronous: a warpgroup issues and goes on.
        // A block left alone at the kernel's end (`aloneStretch`) runs so too.
        var aloneStretch = 1.0, tailStretch = 1.0
        if !mapping.splitKernel, mapping.matrixPath == "mma.sync", machine.warpSchedulersPerSM > 0 {
            let warpsPerScheduler = Double(ceilDiv(layout.inFlight, p) * mapping.warps) / Double(machine.warpSchedulersPerSM)
            let alone = Double(mapping.warps) / Double(machine.warpSchedulersPerSM) < 2
            // A block alone for its whole run, in a kernel that waits for each ragged K/V tile
            // before computing on it, adds the tile's transfer (a second block would compute
            // meanwhile): every block when the SMs hold one each, or a last wave of lone blocks.
            // The busiest block dispatched last (`aloneStretch`) shares its SM at its start: the
            // H200's 3392^2 causal d = 64 call runs 9% over the even 3456^2 where a lone wave runs 19% over.
            let ragged = shape.qLen % max(1, bq) != 0 || shape.kvLen % max(1, bk) != 0
            let serialLoad = ragged && mapping.traits.loneBlockWaitsForRaggedTiles ? tile.l2 / max(tile.total, 1e-30) : 0
            if warpsPerScheduler < 2 {
                tileSeconds = tileSeconds / machine.singleWarpIssueEfficiency + serialLoad * tileSeconds
            } else if alone {
                aloneStretch = 1 / machine.singleWarpIssueEfficiency
                tailStretch = aloneStretch + serialLoad
            }
        }

        var computeSeconds: Double
        // The split-KV kernel: each thread block streams its share of the key tiles from DRAM;
        // streaming is memory time (it does not stretch when the power limit lowers the SM clock).
        var streamingSeconds = 0.0
        if mapping.splitKernel {
            // Each SM works through its share of the blocks (co-resident blocks overlap but share
            // its throughput): ceil(blocks / SMs) blocks' compute. The stream below is shared by all.
            let tilesPerBlock = (schedule.maxTiles / Double(splits)).rounded(.up)
            let perSM = Double(max(1, ceilDiv(blocks, p)))
            // The L2 serves the SMs that ask evenly: while every SM streams, each gets its share
            // of the L2's bandwidth per tile, whatever its block count. SMs holding one block more
            // than the rest finish that last block after the others, at what the memory then gives
            // the few still streaming (the DRAM's bandwidth over them: a decode stream's K/V come
            // from DRAM), up to an SM's own port (`l2-port-bandwidth`; without it, the share).
            // (FA2's split-KV few-query grids of 224-256 blocks, 92-124 SMs left: 36-49 GB/s, about
            // the share, as measured in h200-fa2-split-share-2026-12-02.)
            // Measured on the H200 (h200-decode-stream-curve-2026-12-02): cuDNN B17 H32/8 over 8192
            // keys, 136 blocks on 132 SMs, 0.133 ms against B12's 96 blocks 0.096 ms, where a share
            // per block gave 0.205; FA2's split-KV calls over 224-256 blocks take the two shares.
            let shareSeconds = tilesPerBlock * tile.l2 / f
            let fullRounds = perSM - 1
            let lastSMs = Double(max(1, blocks - Int(fullRounds) * p))
            let shareRate = machine.l2Bandwidth / Double(p)
            // (A grid within the SM count keeps the share: measured, B12's 96 blocks fit it.)
            let lastRate = fullRounds < 1 ? shareRate
                : max(shareRate, min(machine.l2PortBandwidth > 0 ? machine.l2PortBandwidth : shareRate, machine.dramBandwidth / lastSMs))
            let l2Seconds = fullRounds * shareSeconds + shareSeconds * shareRate / lastRate
            let ownWork = perSM * (tilesPerBlock * tile.core / f + perBlockOverheadSeconds)
            computeSeconds = max(ownWork, l2Seconds + perSM * perBlockOverheadSeconds)
            // Streaming is bandwidth-bound, not slot-bound: while blocks are in flight the DRAM
            // stays busy, so the stream takes the streamed bytes over the bandwidth (no waves).
            // Each block keeps `decodeStages` K/V tiles in flight, so below saturation the stream
            // runs at the blocks in flight × those bytes / the loaded memory latency (Little's law):
            // each block waits one latency per `decodeStages` tiles. The first tile's wait is the
            // kernel's fixed part (its dependent DRAM round trips), not counted twice.
            let bytes = Double(blocks) * tilesPerBlock * layout.streamedTileBytes * layout.streamedDRAMFraction
            streamingSeconds = bytes / machine.dramBandwidth
            if machine.streamingLatency > 0 {
                let waves = Double(blocks) / Double(max(1, layout.inFlight))
                let parts = Double(mapping.kvTileParts(pairBytes: layout.streamedTileBytes))
                if parts > 1 {
                    // A tile pair larger than the kernel's K/V buffer goes through it in parts,
                    // one after another: one part in flight, and each part's load waits on the
                    // product that frees the buffer (its share of the SM's work on the tile; the
                    // L2 transfer is part of the loaded latency). Below saturation each slot's
                    // blocks run one after another: the busiest slot's whole waves set the time.
                    let waits = max(0, waves.rounded(.up) * tilesPerBlock * parts - 1) * layout.streamedDRAMFraction
                    streamingSeconds = max(streamingSeconds, waits * (machine.streamingLatency + tile.core / f / parts))
                } else {
                    let waits = max(0, waves * tilesPerBlock - 1) * layout.streamedDRAMFraction
                    streamingSeconds = max(streamingSeconds, waits * machine.streamingLatency / Double(max(1, mapping.traits.decodeStages)))
                }
            }
        } else {
            // A block that holds its SM alone starts by waiting for its first tiles (the two
            // dependent DRAM round trips of the kernel's own start) unless a producer warp has
            // prefetched them (persistent warp-specialized kernels). The first wave's wait is the
            // kernel's fixed part, not counted twice.
            let exposedStart = layout.resident == 1 && !mapping.traits.prefetchesNextBlock ? 2 * machine.dramLatency : 0
            let perBlockAverage = tilesPerHead / Double(schedule.rowBlocks) * tileSeconds + perBlockOverheadSeconds + exposedStart
            let largest = schedule.maxTiles * tileSeconds + perBlockOverheadSeconds + exposedStart
            computeSeconds = makespan(blocks: blocks, total: perBlockAverage * Double(blocks), largest: largest,
                                      uniform: schedule.uniform, processors: p,
                                      largestLast: mapping.traits.dispatchesRowBlocksInOrder && schedule.heaviestRowBlockLast,
                                      aloneStretch: aloneStretch, tailStretch: tailStretch, resident: layout.resident) - exposedStart
        }
        // The masks run on the SMs that hold the blocks (fewer than all when the blocks are few).
        computeSeconds += maskOps / machine.vectorRate / Double(max(1, min(p, blocks))) / f

        let dramBytes = layout.dramBytes
        let memorySeconds = max(dramBytes / machine.dramBandwidth, streamingSeconds)

        // Executed operations (padded rows, whole partial tiles).
        let executedScores = totalTiles * scoresPerTile
        var executed = OperationCounts()
        let padding = headDimPadding
        executed[.matrixMAC] = executedScores * costs.macs * padding
        executed[.specialFunction] = executedScores * costs.exps
        executed[.vectorAdd] = executedScores * (costs.vectorOps + mapping.traits.extraALUOpsPerScore) + maskOps
        executed[.divide] = executedScores * costs.divides
        let sharedBytes = totalTiles * mapping.traits.sharedMemoryReadsPerTile * layout.streamedTileBytes * headDimPadding
        let l2Bytes = layout.l2Bytes
        // Rows that only pad a tile (GQA groups smaller than the tile) are zero-filled: their MACs
        // toggle little and cost a fraction (a profile parameter) of a real MAC's energy.
        // Zero-padded head-dim columns do not: the H200's cuDNN rows at d = 80 and 96 (on
        // 128-column tiles) fit their MACs charged as real ones (Calibration/README.md, round 5).
        // A family's decode (single-query calls, split or not) may carry its own measured MAC
        // energy, charged per executed MAC, padded rows as real ones (measured so).
        let decodeEnergy = decodeMACEnergy
        let realRowFraction = Double(mapping.realRowsPerTile) / Double(max(1, bq))
        let macEnergyFactor = decodeEnergy != nil ? 1 : realRowFraction + (1 - realRowFraction) * machine.paddingMACEnergyFraction
        // A family's own MAC energy is its (prefill) kernel's; its split-KV kernel runs another path.
        let familyEnergy = mapping.splitKernel ? nil : machine.familyMACEnergy[mapping.traits.family.rawValue]
        let macEnergy = decodeEnergy ?? familyEnergy ?? pathMACEnergy ?? machine.energyPerMAC(path: mapping.matrixPath)
        let matrixEnergy = executed[.matrixMAC] * macEnergy * macEnergyFactor
        let scoreEnergy = mapping.splitKernel ? 0 : executedScores * (machine.familyScoreEnergy[mapping.traits.family.rawValue] ?? 0)
        // The softmax of zero-filled padding rows toggles as little as their MACs.
        let rowRealFraction = Double(mapping.realRowsPerTile) / Double(max(1, bq))
        let rowEnergyFactor = decodeEnergy != nil ? 1 : rowRealFraction + (1 - rowRealFraction) * machine.paddingMACEnergyFraction
        let onChip = matrixEnergy + scoreEnergy
            + executed[.specialFunction] * machine.energyPerExp * rowEnergyFactor
            + (executed.vectorOperations + executed[.divide]) * machine.energyPerVectorOp * rowEnergyFactor
            + sharedBytes * machine.energyPerSharedMemoryByte
            + l2Bytes * machine.energyPerL2Byte
        let fixed = machine.launchOverhead + 2 * machine.dramLatency
        let pf = Double(p) * f
        let resources = ResourceTimes(
            matrix: totalTiles * tile.matrix / pf, softmax: totalTiles * tile.softmax / pf,
            sharedMemory: totalTiles * tile.shared / pf, l2: totalTiles * tile.l2 / pf,
            dram: memorySeconds, launchAndLatency: fixed)
        var cost = KernelCost(
            name: !named ? "" : mapping.splitKernel ? "\(mapping.traits.kernelName) split-KV (\(bq)x\(bk), \(splits) splits)" : mapping.traits.kernelName,
            computeSeconds: computeSeconds, memorySeconds: memorySeconds,
            fixedSeconds: fixed, onChipEnergy: onChip, dramEnergy: dramBytes * machine.energyPerDRAMByte,
            executed: executed, dramBytes: dramBytes, l2Bytes: l2Bytes, sharedMemoryBytes: sharedBytes,
            resources: resources)
        cost.matrixEnergy = matrixEnergy
        machine.applyPowerModel(&cost)
        // The tile loop of one SM: its blocks (waves) × the key tiles each block works through.
        let waves = Double(max(1, ceilDiv(blocks, max(1, layout.inFlight))))
        let tilesPerBlock = mapping.splitKernel ? (schedule.maxTiles / Double(splits)).rounded(.up) : tilesPerHead / Double(max(1, schedule.rowBlocks))
        cost.tiles = max(1, waves * tilesPerBlock)
        return cost
    }

    /// The split-KV combine Einsum as its own kernel: reads the partial outputs and log-sum-exps,
    /// rescales and sums them per output row (a dependent chain over the splits), writes the output.
    func combineCost(layout: Layout, named: Bool = true) -> KernelCost? {
        guard mapping.splits > 1 else { return nil }
        let partialBytes = layout.partialBytes
        let outputs = tensors.filter { $0.role == .output && !$0.ranks.contains(.key) }
        let outputBytes = outputs.reduce(0.0) { acc, t in
                var elements = t.otherElements
                for r in t.ranks {
                    switch r {
                    case .batch: elements *= Double(shape.batch)
                    case .head: elements *= Double(shape.heads)
                    case .query: elements *= Double(shape.qLen)
                    case .valueDim: elements *= Double(shape.valueDim)
                    case .qkDim: elements *= Double(shape.headDim)
                    case .key: break
                    }
                }
                return acc + elements * (t.bytesPerElement ?? elementBytes)
            }
        // Launch, then two dependent DRAM round trips: the log-sum-exps (to find the scale), then
        // the partial outputs they scale.
        let fixed = machine.launchOverhead + 2 * machine.dramLatency + machine.combineFixedSeconds[mapping.traits.family.rawValue, default: 0]
        let step = combineStep ?? machine.combineStepSeconds[mapping.traits.family.rawValue] ?? 0
        let chain = Double(mapping.splits) * step
        let b = Double(shape.batch)
        var executed = OperationCounts()
        executed[.vectorAdd] = b * Double(shape.heads * shape.qLen * shape.valueDim * mapping.splits) * 2
        executed[.specialFunction] = b * Double(shape.heads * shape.qLen * mapping.splits)
        let dram = partialBytes + outputBytes
        var cost = KernelCost(
            name: named ? "split-KV combine (\(mapping.splits) splits)" : "", computeSeconds: chain,
            memorySeconds: dram / machine.dramBandwidth, fixedSeconds: fixed,
            onChipEnergy: executed.vectorOperations * machine.energyPerVectorOp + executed[.specialFunction] * machine.energyPerExp,
            dramEnergy: dram * machine.energyPerDRAMByte, executed: executed, dramBytes: dram, l2Bytes: dram, sharedMemoryBytes: 0,
            resources: ResourceTimes(dram: dram / machine.dramBandwidth, launchAndLatency: fixed, combineChain: chain))
        machine.applyPowerModel(&cost)
        return cost
    }

    /// The search's entry: the kernel (and combine) costs without names, reusing `cached` when
    /// the candidate shares its layout. `mutating` so a caller holding the model in a class
    /// property evaluates it in place (no copy of the model per candidate).
    mutating func estimateKernels(prepared: PreparedAttention, reusing cached: Layout?) -> (main: KernelCost, combine: KernelCost?, layout: Layout) {
        let l = cached ?? layout(prepared: prepared)
        return (cost(layout: l, named: false), combineCost(layout: l, named: false), l)
    }

    /// The fused kernel and, with a split of the keys, its combine kernel.
    func kernels() -> [KernelCost] {
        // The compiled reuse analysis gives the same numbers (tested); the general one also
        // keeps the nest and per-entry traffic that `einsim map` prints.
        let l = RooflineEngine.describesMappings
            ? layout()
            : layout(prepared: PreparedAttention(tensors: tensors, levels: machine.levels, processors: machine.processors, elementBytes: elementBytes))
        var result = [cost(layout: l)]
        if let combine = combineCost(layout: l) { result.append(combine) }
        return result
    }
}

/// A ``GPUMachine`` held by reference.
final class GPUMachineRef: Sendable {
    let machine: GPUMachine
    init(_ machine: GPUMachine) { self.machine = machine }
}
