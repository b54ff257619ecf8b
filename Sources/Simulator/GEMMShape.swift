import EinsimCore

/// `C[M,N] = A[M,K] · B[K,N]`, the shape of a projection or FFN matrix product.
public struct GEMMShape: Sendable, Hashable, Codable {
    public var m: Int
    public var n: Int
    public var k: Int
    public var precision: Precision

    public init(m: Int, n: Int, k: Int, precision: Precision = .bf16) {
        self.m = m; self.n = n; self.k = k; self.precision = precision
    }

    public var macs: Double { Double(m) * Double(n) * Double(k) }
    public var flops: Double { 2 * macs }
    /// A and B read once, C written once.
    public var compulsoryBytes: Double { (Double(m) * Double(k) + Double(k) * Double(n) + Double(m) * Double(n)) * precision.bytes }
}

/// Tile-level model of a cuBLAS-like GEMM: the best of a few CTA tile shapes on the fastest
/// matrix path, wave-quantized over the SMs, bounded by DRAM traffic (A re-read per column of
/// tiles unless it stays in L2), plus launch and pipeline-fill latency.
struct GEMMKernelModel {
    let machine: GPUMachine
    let shape: GEMMShape

    static let tileShapes: [(Int, Int)] = [(128, 256), (256, 128), (128, 128), (64, 128), (64, 64)]

    /// The fastest tile shape once the power limit is applied (larger tiles move fewer bytes per
    /// MAC, so they draw less power and keep a higher clock).
    func cost() -> KernelCost {
        var best = cost(tileM: 128, tileN: 128)
        var bestSeconds = Double.infinity
        for (bm, bn) in Self.tileShapes {
            let c = cost(tileM: bm, tileN: bn)
            let r = PowerCapping.clockRatio(kernels: [c], idleWatts: machine.idleWatts, limitWatts: machine.limitWatts, minimumRatio: machine.minimumClockRatio)
            let t = c.seconds(clockRatio: r)
            if t < bestSeconds { best = c; bestSeconds = t }
        }
        return best
    }

    func cost(tileM bm: Int, tileN bn: Int) -> KernelCost {
        let p = machine.processors
        let f = machine.clockHz
        let rate = machine.matrixRate(path: machine.defaultPath)
        let blocks = ceilDiv(shape.m, bm) * ceilDiv(shape.n, bn)
        let kSteps = Double(ceilDiv(shape.k, 64) * 64)
        let perBlockCycles = kSteps * Double(bm * bn) / rate
        let waves = (Double(blocks) / Double(p)).rounded(.up)
        let computeSeconds = waves * perBlockCycles / f
        let e = shape.precision.bytes
        let a = Double(shape.m) * Double(shape.k) * e, b = Double(shape.k) * Double(shape.n) * e
        let c = Double(shape.m) * Double(shape.n) * e
        // DRAM traffic: A and B once when they fit in L2; otherwise each wave of concurrently
        // running tiles (rasterized as a near-square g_m × g_n patch) reads its A and B panels.
        let dramBytes: Double
        if a + b <= machine.l2ResidentFraction * machine.l2Capacity {
            dramBytes = a + b + c
        } else {
            let concurrent = Double(min(blocks, p))
            let gm = min(Double(ceilDiv(shape.m, bm)), max(1, concurrent.squareRoot().rounded(.down)))
            let gn = min(Double(ceilDiv(shape.n, bn)), max(1, (concurrent / gm).rounded(.down)))
            let panels = (gm * Double(bm) + gn * Double(bn)) * Double(shape.k) * e
            dramBytes = max(a + b, waves * panels) + c
        }
        let memorySeconds = dramBytes / machine.dramBandwidth
        let executedMACs = Double(blocks) * kSteps * Double(bm * bn)
        let l2Bytes = Double(blocks) * kSteps * Double(bm + bn) * e
        let sharedBytes = l2Bytes
        var executed = OperationCounts()
        executed[.matrixMAC] = executedMACs
        let fixed = machine.launchOverhead + 2 * machine.dramLatency
        var cost = KernelCost(
            name: "gemm \(bm)x\(bn) (\(machine.defaultPath))", computeSeconds: computeSeconds,
            memorySeconds: memorySeconds, fixedSeconds: fixed,
            onChipEnergy: executedMACs * machine.energyPerMAC(path: machine.defaultPath) + sharedBytes * machine.energyPerSharedMemoryByte
                + l2Bytes * machine.energyPerL2Byte,
            dramEnergy: dramBytes * machine.energyPerDRAMByte, executed: executed, dramBytes: dramBytes,
            l2Bytes: l2Bytes, sharedMemoryBytes: sharedBytes,
            resources: ResourceTimes(matrix: executedMACs / rate / Double(p) / f, dram: memorySeconds, launchAndLatency: fixed))
        cost.matrixEnergy = executedMACs * machine.energyPerMAC(path: machine.defaultPath)
        machine.applyPowerModel(&cost)
        cost.tiles = max(1, waves * kSteps / 64)
        return cost
    }
}
