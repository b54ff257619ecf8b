import Dispatch
import Foundation

/// Runs sweep points on all cores and hands their results back in point order: the output is the
/// same for any number of threads.
public enum SweepExecution {
    /// Threads the runner uses: `EINSIM_THREADS` when set (≥ 1), else the active processor count.
    public static var defaultThreads: Int {
        if let text = ProcessInfo.processInfo.environment["EINSIM_THREADS"], let n = Int(text), n >= 1 { return min(n, 256) }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Evaluates `body` for every index of `range`, `block` points at a time spread over `threads`
    /// threads, and calls `emit` with each block's results in index order (on the calling thread)
    /// before the next block starts. `emit` returns false to stop early.
    public static func run<R: Sendable>(_ range: Range<Int>, threads: Int = defaultThreads, block: Int = 4096,
                                        body: @Sendable (Int) -> R, emit: (Range<Int>, [R]) throws -> Bool) rethrows {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + max(1, block))
            let results = map(start..<end, threads: threads, body)
            guard try emit(start..<end, results) else { return }
            start = end
        }
    }

    /// `body` over `range` on `threads` threads (contiguous chunks), results in index order.
    public static func map<R: Sendable>(_ range: Range<Int>, threads: Int = defaultThreads, _ body: @Sendable (Int) -> R) -> [R] {
        let n = range.count
        guard threads > 1, n > 1 else { return range.map(body) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: n)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let slots = results
        // More chunks than threads, so a slow chunk (a long mapper search) does not hold the rest.
        let chunks = min(n, threads * 8)
        let lower = range.lowerBound
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let from = n * chunk / chunks, to = n * (chunk + 1) / chunks
            for i in from..<to { slots[i] = body(lower + i) }
        }
        return results.map { $0! }
    }
}
