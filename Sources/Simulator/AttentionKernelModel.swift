import EinsimCore
import Mapper

/// Tile-level roofline of a fused (1-pass) attention kernel on a GPU-like machine.
///
/// Per tile (blockQ × blockKV scores) each resource's cycles come from the cascade's per-score
/// work and the machine's rates: matrix MACs on the mapping's instruction path, exps on the
/// special-function units, vector ops on the ALUs, K/V tile reads from shared memory and L2.
/// Matrix and shared-memory work overlap (asynchronous copies, other warps); softmax work
/// overlaps with them by the kernel's overlap fraction. Thread blocks are quantized into waves
/// over the SMs; DRAM traffic (Q, O once; K/V once per L2-resident group) bounds from below.
struct AttentionKernelModel {
    /// Energy of a MAC on zero-filled padding rows relative to a MAC on real data. Fitted to the
    /// FA2 decode energy (B1, 8 KV heads, 131072 keys: 109 mJ dynamic at 1980 MHz, 4 real rows of
    /// 64 per tile; Calibration/README.md): data-dependent switching power of the tensor cores.
    static let paddingMACEnergyFraction = 0.6

    let machine: GPUMachine
    let shape: AttentionShape
    let mapping: AttentionMapping
    let costs: ScoreCosts
    let elementBytes: Double

    /// Cycles one tile keeps an SM busy, and the per-resource cycles behind it.
    func tileCycles() -> (total: Double, matrix: Double, softmax: Double, shared: Double, l2: Double) {
        let scores = Double(mapping.blockQ * mapping.blockKV)
        let traits = mapping.traits
        let matrix = scores * costs.macs / machine.matrixRate(path: mapping.matrixPath)
        let sfu = scores * costs.exps / machine.specialFunctionRate
        let alu = scores * (costs.vectorOps + traits.extraALUOpsPerScore) / machine.vectorRate
            + scores * costs.divides / machine.divideRate
        let kvTileBytes = Double(mapping.blockKV * (shape.headDim + shape.valueDim)) * elementBytes
        let shared = traits.sharedMemoryReadsPerTile * kvTileBytes / machine.sharedMemoryBytesPerCycle
        let l2PerSMPerCycle = machine.l2Bandwidth / Double(machine.processors) / machine.clockHz
        let l2 = kvTileBytes / l2PerSMPerCycle
        let primary = max(matrix, shared)
        let softmax = sfu + alu
        let overlap = min(1, max(0, traits.softmaxOverlap))
        let total = max(max(primary, softmax) + (1 - overlap) * min(primary, softmax), l2)
        return (total, matrix, softmax, shared, l2)
    }

    func cost() -> KernelCost {
        let p = machine.processors
        let f = machine.clockHz
        let bq = mapping.blockQ, bk = mapping.blockKV
        let rowsPerHead = mapping.decode ? shape.qLen * shape.groupSize : shape.qLen
        let headsInGrid = mapping.decode ? shape.kvHeads : shape.heads
        let bh = shape.batch * headsInGrid
        let schedule = TileSchedule(shape: shape, rows: rowsPerHead, keys: shape.kvLen, blockQ: bq, blockKV: bk,
                                    threadBlocksInFlight: min(mapping.threadBlocks, p * 2))
        let tile = tileCycles()
        let splits = max(1, mapping.splits)
        let scoresPerTile = Double(bq * bk)
        // Work per (b, h): tiles visited, split over `splits` thread blocks per row block.
        let tilesPerHead = schedule.totalTiles
        let totalTiles = tilesPerHead * Double(bh)
        let maskOps = schedule.partialTiles * Double(bh) * scoresPerTile * 2  // compare + select per masked score
        let blocks = bh * schedule.rowBlocks * splits
        let qoBytesPerBlock = Double(bq * (shape.headDim + shape.valueDim)) * elementBytes
        let dramShare = machine.dramBandwidth / Double(max(1, min(blocks, p)))
        let perBlockOverheadSeconds = qoBytesPerBlock / dramShare
        let tileSeconds = tile.total / f
        let kvTileBytes = Double(bk * (shape.headDim + shape.valueDim)) * elementBytes

        var computeSeconds: Double
        // Decode: each thread block streams its share of the key tiles from DRAM; streaming is
        // memory time (it does not stretch when the power limit lowers the SM clock).
        var streamingSeconds = 0.0
        if mapping.decode {
            let tilesPerBlock = (schedule.maxTiles / Double(splits)).rounded(.up)
            let activeSMs = Double(max(1, min(blocks, p)))
            let streamSeconds = kvTileBytes / (machine.dramBandwidth / activeSMs)
            let computePerBlock = tilesPerBlock * tileSeconds + perBlockOverheadSeconds
            let streamPerBlock = tilesPerBlock * streamSeconds
            computeSeconds = makespan(blocks: blocks, total: computePerBlock * Double(blocks), largest: computePerBlock,
                                      uniform: true, processors: p)
            streamingSeconds = makespan(blocks: blocks, total: streamPerBlock * Double(blocks), largest: streamPerBlock,
                                        uniform: true, processors: p)
        } else {
            let perBlockAverage = tilesPerHead / Double(schedule.rowBlocks) * tileSeconds + perBlockOverheadSeconds
            let largest = schedule.maxTiles * tileSeconds + perBlockOverheadSeconds
            computeSeconds = makespan(blocks: blocks, total: perBlockAverage * Double(blocks), largest: largest,
                                      uniform: schedule.uniform, processors: p)
        }
        computeSeconds += maskOps / machine.vectorRate / Double(p) / f

        // DRAM: Q and O once; K/V once per group of concurrently resident heads that fit in L2.
        let b = Double(shape.batch)
        let qBytes = b * Double(shape.heads * shape.qLen * shape.headDim) * elementBytes
        let oBytes = b * Double(shape.heads * shape.qLen * shape.valueDim) * elementBytes
        // Decode reads only the key tiles it visits (a sliding window reads the window).
        let kvFraction = mapping.decode ? min(1, schedule.maxTiles * Double(bk) / Double(max(1, shape.kvLen))) : 1
        let kvPerHead = Double(shape.kvLen * (shape.headDim + shape.valueDim)) * elementBytes * kvFraction
        let kvBytes = b * Double(shape.kvHeads) * kvPerHead
        let inFlight = Double(min(blocks, p * 2))
        let headsInFlight = max(1, inFlight / Double(max(1, schedule.rowBlocks * splits)))
        let workingSet = headsInFlight * kvPerHead / Double(mapping.decode ? 1 : shape.groupSize)
        let reload = mapping.decode ? 1 : min(Double(schedule.rowBlocks), max(1, workingSet / (0.5 * machine.l2Capacity)))
        var dramBytes = qBytes + oBytes + kvBytes * reload + schedule.indexBytes * Double(bh)
        if splits > 1 {
            // Partial outputs and log-sum-exps (fp32) written and read back by the combine kernel.
            dramBytes += 2 * b * Double(shape.heads * shape.qLen * (shape.valueDim + 1) * splits) * 4
        }
        let memorySeconds = max(dramBytes / machine.dramBandwidth, streamingSeconds)

        // Executed operations (padded rows, whole partial tiles).
        let executedScores = totalTiles * scoresPerTile
        var executed = OperationCounts()
        executed[.matrixMAC] = executedScores * costs.macs
        executed[.specialFunction] = executedScores * costs.exps
        executed[.vectorAdd] = executedScores * (costs.vectorOps + mapping.traits.extraALUOpsPerScore) + maskOps
        executed[.divide] = executedScores * costs.divides
        let sharedBytes = totalTiles * mapping.traits.sharedMemoryReadsPerTile * kvTileBytes
        let l2Bytes = totalTiles * kvTileBytes + Double(blocks) * qoBytesPerBlock
        // Rows that only pad a tile (GQA groups smaller than the tile in decode) are zero-filled:
        // their MACs toggle little and cost a fraction of a real MAC's energy.
        let realRowFraction = Double(mapping.realRowsPerTile) / Double(max(1, bq))
        let macEnergyFactor = realRowFraction + (1 - realRowFraction) * Self.paddingMACEnergyFraction
        let matrixEnergy = executed[.matrixMAC] * machine.energyPerMAC(path: mapping.matrixPath) * macEnergyFactor
        let onChip = matrixEnergy
            + executed[.specialFunction] * machine.energyPerExp
            + (executed.vectorOperations + executed[.divide]) * machine.energyPerVectorOp
            + sharedBytes * machine.energyPerSharedMemoryByte
            + l2Bytes * machine.energyPerL2Byte
        let fixed = machine.launchOverhead + 2 * machine.dramLatency
        let pf = Double(p) * f
        let resources = ResourceTimes(
            matrix: totalTiles * tile.matrix / pf, softmax: totalTiles * tile.softmax / pf,
            sharedMemory: totalTiles * tile.shared / pf, l2: totalTiles * tile.l2 / pf,
            dram: memorySeconds, launchAndLatency: fixed)
        var cost = KernelCost(
            name: mapping.traits.kernelName, computeSeconds: computeSeconds, memorySeconds: memorySeconds,
            fixedSeconds: fixed, onChipEnergy: onChip, dramEnergy: dramBytes * machine.energyPerDRAMByte,
            executed: executed, dramBytes: dramBytes, l2Bytes: l2Bytes, sharedMemoryBytes: sharedBytes,
            resources: resources)
        cost.matrixEnergy = matrixEnergy
        return cost
    }

    /// The split-KV combine kernel: a dependent pass over the splits per output row.
    func combineCost() -> KernelCost? {
        guard mapping.decode, mapping.splits > 1 else { return nil }
        let b = Double(shape.batch)
        let bytes = b * Double(shape.heads * shape.qLen * (shape.valueDim + 1) * mapping.splits) * 4
        let fixed = machine.launchOverhead + machine.dramLatency
        let chain = Double(mapping.splits) * mapping.traits.combineStepSeconds
        var executed = OperationCounts()
        executed[.vectorAdd] = b * Double(shape.heads * shape.qLen * shape.valueDim * mapping.splits) * 2
        executed[.specialFunction] = b * Double(shape.heads * shape.qLen * mapping.splits)
        return KernelCost(
            name: "split-KV combine (\(mapping.splits) splits)", computeSeconds: chain,
            memorySeconds: bytes / machine.dramBandwidth, fixedSeconds: fixed,
            onChipEnergy: executed.vectorOperations * machine.energyPerVectorOp + executed[.specialFunction] * machine.energyPerExp,
            dramEnergy: 0, executed: executed, dramBytes: 0, l2Bytes: bytes, sharedMemoryBytes: 0,
            resources: ResourceTimes(launchAndLatency: fixed, combineChain: chain))
    }
}
