// FuseMax-like design space: 2-D PE-array rows × columns × global-buffer capacity, at three
// sequence lengths. Points stream in grid order as they finish (`AttentionSweep.results()`), and
// for each sequence length the Pareto front of latency against the silicon spent (PEs and buffer
// bytes) is printed.
//
//   swift run -c release --package-path Examples/SweepLibrary --scratch-path .build-sweeplibrary
import Einsim
import Foundation

// The base experiment: BERT-base-like attention (12 heads, d = 64) on the shipped FuseMax
// profile, mapped by the spatial mapper's search at every point.
let base = SweepBase(hardware: ["fusemax"], batch: 1, heads: 12, qLen: 4096, headDim: 64)

// The grid, first parameter outermost: sequence length, then the array and the buffer.
let parameters = [
    try SweepParameter("q-len", ["4096", "16384", "65536"]),
    try SweepParameter("pe-2d.rows", range: "64:256:x2"),
    try SweepParameter("pe-2d.columns", range: "64:256:x2"),
    try SweepParameter("global-buffer.capacity", range: "2MiB:32MiB:x4"),
]
// Profiles are loaded and validated once; every combination of the profile parameters is
// derived in memory once.
let sweep = try AttentionSweep(base: base, parameters: parameters)

/// One design point's outcome.
struct Design {
    var rows: Int, columns: Int, buffer: Double
    var latency: Double, energy: Double
    /// The PE array's size, a proxy for its area.
    var processingElements: Double { Double(rows * columns) }
}

var designs: [Int: [Design]] = [:]  // by sequence length
var infeasible = 0
// Points arrive in grid order, identical for any thread count; a point the mapper cannot fit
// (a buffer too small, say) comes with its error instead of results.
for try await point in sweep.results(stopOnError: false) {
    guard let result = point.records.first?.result else {
        infeasible += 1
        continue
    }
    let seq = Int(point.number(of: "q-len") ?? 0)
    designs[seq, default: []].append(Design(rows: Int(point.number(of: "pe-2d.rows") ?? 0),
                                            columns: Int(point.number(of: "pe-2d.columns") ?? 0),
                                            buffer: point.number(of: "global-buffer.capacity") ?? 0,
                                            latency: result.latencySeconds, energy: result.energyJoules))
}
print("\(sweep.count) points (\(infeasible) infeasible) on fusemax: pe-2d rows x columns x global-buffer capacity at 3 sequence lengths")

// Per sequence length, the Pareto front of latency against the silicon spent: PEs and buffer
// bytes (the designs no other one beats in all three). Energy is no separate objective here:
// FuseMax's energy is mostly static power over the run, so the latency-energy front is the
// fastest array alone.
for seq in designs.keys.sorted() {
    let all = designs[seq] ?? []
    let front = Pareto.front(all, objectives: [\.latency, \.processingElements, \.buffer]).sorted { $0.latency < $1.latency }
    let energyFront = Pareto.front(all, \.latency, \.energy)
    print("\nq-len \(seq): \(front.count) of \(all.count) designs on the latency-PEs-buffer front (\(energyFront.count) on the latency-energy front)")
    print("  array      buffer   latency      energy")
    for d in front {
        let array = "\(d.rows)x\(d.columns)".padding(toLength: 9, withPad: " ", startingAt: 0)
        let buffer = "\(Int(d.buffer) >> 20) MiB".padding(toLength: 7, withPad: " ", startingAt: 0)
        print("  \(array)  \(buffer)  \(Format.seconds(d.latency).padding(toLength: 11, withPad: " ", startingAt: 0))  \(Format.joules(d.energy))")
    }
}
