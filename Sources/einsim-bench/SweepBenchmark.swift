import Einsim
import Foundation

/// Points per second of a 20,000-point preset-mapped GPU sweep (Llama-3-8B decode, FA2 on the
/// H100: HBM bandwidth 1-10.9 TB/s x batch 1-200), prepared once and run on `threads` threads,
/// rendered as CSV rows in grid order; the best of `runs`.
func sweepRate(threads: Int, runs: Int = 3) throws -> Double {
    var base = SweepBase()
    base.model = "llama-3-8b"; base.phase = "decode"; base.seq = 16384; base.mapping = "fa2"
    let parameters = [try SweepParameter.parse("hbm.bandwidth=1TB/s:10.9TB/s:+0.1TB/s"), try SweepParameter.parse("batch=1:200:+1")]
    var best = 0.0
    var bytes = 0
    for _ in 0..<runs {
        let start = Date()
        let sweep = try AttentionSweep(base: base, parameters: parameters)
        var rows = 0
        SweepExecution.run(0..<sweep.count, threads: threads, body: { i in
            (try? SweepOutput.lines(.csv, point: i, parameters: parameters, coordinates: sweep.coordinates(of: i), records: sweep.evaluate(i))) ?? ""
        }) { _, texts in
            for t in texts where !t.isEmpty { rows += 1; bytes += t.utf8.count }
            return true
        }
        let seconds = Date().timeIntervalSince(start)
        guard rows == sweep.count else { throw SimpleInputError("sweep benchmark: only \(rows) of \(sweep.count) points ran") }
        best = max(best, Double(sweep.count) / seconds)
    }
    if bytes == 42 { print("") }
    return best
}

/// The sweep lines of the benchmark: one thread, two threads (the issue's target: 100k points/s
/// on 2 cores), and every core when that is more; or the thread counts given, run `runs` times.
func sweepBenchmarkLines(threads given: [Int] = [], runs: Int = 3) -> [String] {
    var counts = [1, 2]
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if cores > 2 { counts.append(cores) }
    return (given.isEmpty ? counts : given).map { threads in
        do {
            let rate = try sweepRate(threads: threads, runs: runs)
            return "sweep, \(threads) thread\(threads == 1 ? "" : "s"): \(Format.fixed(rate / 1e3, 1))k points/s (20,000-point preset-mapped GPU sweep on a \(cores)-core machine, CSV rows included; best of \(runs))"
        } catch {
            return "sweep: failed: \(error)"
        }
    }
}
