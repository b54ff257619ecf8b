import EinsimCore
import HardwareModel
import Mapper
import Simulator
import Workloads

extension EndToEnd {
    /// A model's forward pass on a spatial, NPU or PIM target, as FuseMax's end-to-end figure
    /// counts it: the block's projections and FFN as GEMMs on the largest array (output tiles over
    /// its rows and columns, the activation block held in the buffer and the weights streamed once
    /// per block) and its attention through the spatial mapper with `mapping`; back to back, times
    /// layers × steps, idle power over the whole time. Norms, activations and residuals are not
    /// modeled on these targets and are named in the result's text.
    public static func simulateOnTarget(model: ModelPreset, phase: Phase, seq: Int, batch: Int, steps: Int = 1,
                                        mapping: String, algorithm: String = "1pass", profile: HardwareProfile,
                                        search: SpatialSearch.Options = .init(), variant: VariantSpec? = nil) throws -> EndToEndResult {
        let machine = try Machine(profile: profile, precision: .fp16)
        let operations = TransformerBlock.operations(model: model, phase: phase, seq: seq, batch: batch, options: BlockOptions())
        let clock = machine.clockHz
        let arrays = machine.units.filter { $0.kind == .matrix || $0.kind == .pimALU }
        guard let array = arrays.max(by: { $0.elements * $0.instances < $1.elements * $1.instances }) else {
            throw SimulationError.unsupported("'\(profile.name)' has no matrix array for the block's GEMMs")
        }
        let main = machine.mainMemory
        let buffer = machine.onChipBuffer
        let bytes = machine.precision.bytes
        var kernels: [SimulationResult.KernelBreakdown] = []
        var components: [String: Double] = [:]
        var seconds = 0.0, dynamic = 0.0, flops = 0.0, dram = 0.0, roofline = 0.0
        var attentionSeconds = 0.0
        var skipped: [String] = []
        var attentionShape = model.attentionShape(phase: phase, seq: seq, batch: batch)
        func add(_ name: String, _ t: Double, _ j: Double, _ d: Double, attention: Bool = false) {
            kernels.append(.init(name: name, seconds: t, dynamicJoules: j, dramBytes: d))
            seconds += t; dynamic += j; dram += d
            if attention { attentionSeconds += t }
        }
        for op in operations {
            switch op.work {
            case let .gemm(m, n, k):
                let (dm, dn, dk) = (Double(m), Double(n), Double(k))
                let macs = dm * dn * dk
                func fill(_ x: Double, _ lanes: Int) -> Double { lanes <= 1 ? 1 : x / ((x / Double(lanes)).rounded(.up) * Double(lanes)) }
                let util = fill(dm, array.rows ?? 1) * fill(dn, array.columns ?? 1)
                let compute = macs / (array.throughput(.matrixMAC, clockHz: clock) * max(util, 1e-9))
                // Rows of A held in (half of) the buffer; B streamed once per block of rows.
                let capacity = (buffer?.capacityBytes ?? 0) * Double(buffer?.instances ?? 1)
                let rowsHeld = max(1, min(dm, (capacity / 2) / max(dk * bytes, 1)))
                let traffic = (dm * dk + dk * dn * (dm / rowsHeld).rounded(.up) + dm * dn) * bytes
                var t = max(compute, traffic / main.bandwidth)
                if Experiment.engine == .cycle {
                    // The cycle engine: one iteration per output tile (rows × columns of the
                    // array), its operand loads double-buffered against the array's MACs.
                    let tiles = max(1, (dm / Double(array.rows ?? 1)).rounded(.up) * (dn / Double(array.columns ?? 1)).rounded(.up))
                    var body = LoopBody()
                    let memory = body.addResource(main.name), pe = body.addResource(array.name)
                    let load = body.addTask("GEMM tile loads", on: memory, duration: traffic / main.bandwidth / tiles)
                    let mac = body.addTask("GEMM tile MACs", on: pe, duration: compute / tiles, after: [LoopDependency(task: load)])
                    body.addBuffer(producer: load, consumer: mac, depth: 2)
                    do { t = try LoopScheduler.schedule(body, iterations: Int(min(tiles, 4e15)), maxUnrolled: 16).makespan }
                    catch { throw SimulationError.unsupported("the cycle engine could not schedule \(op.name): \(error)") }
                }
                let j = macs * (array.energy[.matrixMAC] ?? 0) + traffic * (main.readJoulesPerByte + (buffer.map { ($0.readJoulesPerByte + $0.writeJoulesPerByte) / 2 } ?? 0))
                components[array.name, default: 0] += macs * (array.energy[.matrixMAC] ?? 0)
                components[main.name, default: 0] += traffic * main.readJoulesPerByte
                add("\(op.name): GEMM \(m)x\(n)x\(k)", t, j, traffic)
                flops += 2 * macs
                roofline += max(2 * macs / max(machine.peak(.matrixMAC) * 2, 1e-300), (dm * dk + dk * dn + dm * dn) * bytes / main.bandwidth)
            case let .selfAttention(shape), let .crossAttention(shape):
                // The attention under the variant (its mask, predictor, algebra and precisions),
                // mapped like the dense call.
                let r = try variant.map { try Experiment.simulateVariantOnTarget($0, shape: shape, algorithm: algorithm, profile: profile, mapping: mapping, search: search) }
                    ?? Experiment.simulateOnTarget(shape: shape, algorithm: algorithm, profile: profile, mapping: mapping, search: search)
                add("\(op.name): \(r.kernel)", r.latencySeconds, r.dynamicJoules, r.dramBytes, attention: true)
                for (k, v) in r.energyByComponent { components[k, default: 0] += v }
                flops += r.flops; roofline += r.rooflineSeconds
                attentionShape = shape
            case .elementwise:
                // FuseMax's end-to-end figure counts the projections, the FFN and attention; the
                // norms, activations and residuals are left out here too, and listed as such.
                skipped.append(op.name)
            }
        }
        let repeats = Double(model.layers) * Double(max(1, steps))
        let staticJ = machine.idleWatts * seconds
        let block = SimulationResult(
            hardware: machine.name, kernel: mapping, engine: Experiment.engine.rawValue, latencySeconds: seconds,
            energyJoules: dynamic + staticJ, flops: flops, dramBytes: dram, l2Bytes: 0, sharedMemoryBytes: 0,
            clockRatio: 1, averagePowerWatts: seconds > 0 ? (dynamic + staticJ) / seconds : 0,
            staticJoules: staticJ, dynamicJoules: dynamic, energyByComponent: components,
            resourceSeconds: [:], kernels: kernels, bound: "sequence of operations",
            rooflineSeconds: roofline,
            loopNest: (kernels.map(\.name) + (skipped.isEmpty ? [] : ["not modeled on spatial targets (as in FuseMax's end-to-end): " + skipped.joined(separator: ", ")])).joined(separator: "\n"))
        var total = block.scaled(by: repeats)
        total.kernel = mapping
        return EndToEndResult(result: total, block: block, attentionSeconds: attentionSeconds * repeats,
                              attentionShape: attentionShape, layers: model.layers, steps: max(1, steps))
    }
}
