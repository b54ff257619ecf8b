import Dispatch
import Reports
import Simulator
import Foundation

extension AttentionSweep {
    /// The points of `range` (every point by default) with their results, as an asynchronous
    /// sequence in point order.
    ///
    /// Points are evaluated a block at a time on `threads` threads, when the consumer asks for
    /// them: a slow consumer holds back the work, and the order (and every value) is the same for
    /// any thread count and block size. Cancelling the consuming task stops the block in flight at
    /// its next point and ends the sequence with `CancellationError`.
    ///
    /// ```swift
    /// for try await point in sweep.results() {
    ///     print(point.index, point.records.map(\.result.latencySeconds))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - range: the point indices to run (a shard, say); clamped to the grid.
    ///   - threads: threads that evaluate points (`EINSIM_THREADS` or every core by default).
    ///   - blockSize: points per block; nil lets blocks grow from a few points per thread while a
    ///     block takes under a quarter of a second (so the first points come quickly).
    ///   - stopOnError: true ends the sequence with the first failing point's error (naming the
    ///     point and its values), as `einsim sweep` does; false yields the point with its
    ///     ``SweepPoint/error`` set and goes on.
    ///   - search: the spatial mapper's search options, for points mapped by search.
    public func results(in range: Range<Int>? = nil, threads: Int = SweepExecution.defaultThreads, blockSize: Int? = nil,
                        stopOnError: Bool = true, search: SpatialSearch.Options = .init()) -> SweepResults {
        let all = 0..<count
        let chosen = range.map { $0.clamped(to: all) } ?? all
        return SweepResults(sweep: self, range: chosen, threads: max(1, threads), blockSize: blockSize.map { max(1, $0) },
                            stopOnError: stopOnError, search: search)
    }

    /// Every point of `range` with its results, in point order: the batch form of
    /// ``results(in:threads:blockSize:stopOnError:search:)``. The first failing point's error is
    /// thrown, naming the point.
    public func run(in range: Range<Int>? = nil, threads: Int = SweepExecution.defaultThreads,
                    search: SpatialSearch.Options = .init()) throws -> [SweepPoint] {
        let chosen = range.map { $0.clamped(to: 0..<count) } ?? 0..<count
        var points: [SweepPoint] = []
        points.reserveCapacity(chosen.count)
        try SweepExecution.run(chosen, threads: threads, block: 1024, body: { i in Result { try self.evaluate(i, search: search) } }) { block, outcomes in
            for (i, outcome) in zip(block, outcomes) {
                do { points.append(SweepPoint(index: i, coordinates: coordinates(of: i), parameters: parameters, records: try outcome.get())) } catch {
                    throw located(error, point: i)
                }
            }
            return true
        }
        return points
    }

    /// `error` with the point it happened at and the swept values there
    /// (`point 7 (hbm.bandwidth=2TB/s, batch=8): …`); other errors unchanged.
    public func located(_ error: any Error, point: Int) -> any Error {
        let c = coordinates(of: point)
        let at = parameters.indices.map { "\(parameters[$0].name)=\(parameters[$0].values[c[$0]])" }.joined(separator: ", ")
        if let input = error as? InputError {
            return SimpleInputError("point \(point) (\(at)): \(input.message)", at: input.location, suggestion: input.suggestion)
        }
        if case let SimulationError.unsupported(why)? = error as? SimulationError {
            return SimulationError.unsupported("point \(point) (\(at)): \(why)")
        }
        return error
    }
}

/// The results of an ``AttentionSweep`` as an `AsyncSequence` of ``SweepPoint``s in point order
/// (made by ``AttentionSweep/results(in:threads:blockSize:stopOnError:search:)``).
///
/// Each iterator runs the points itself, a block at a time, when `next()` finds its block used
/// up: two iterators over the same results run the points twice.
public struct SweepResults: AsyncSequence, Sendable {
    /// Each point with its results.
    public typealias Element = SweepPoint

    let sweep: AttentionSweep
    /// The point indices the sequence runs.
    public let range: Range<Int>
    let threads: Int
    let blockSize: Int?
    let stopOnError: Bool
    let search: SpatialSearch.Options

    /// An iterator that runs the points from the start of ``range``.
    public func makeAsyncIterator() -> Iterator {
        Iterator(results: self, next: range.lowerBound, blockSize: blockSize ?? Swift.max(4, threads * 2))
    }

    /// Runs the points block by block and hands them out one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let results: SweepResults
        /// The first point of the next block.
        var next: Int
        var blockSize: Int
        var buffer: [SweepPoint] = []
        var position = 0
        /// The error that ends the sequence once the points before it are handed out.
        var pending: (any Error)?
        var finished = false

        init(results: SweepResults, next: Int, blockSize: Int) {
            self.results = results; self.next = next; self.blockSize = blockSize
        }

        /// The next point, nil after the last; throws the first failing point's error (with
        /// `stopOnError`) or `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> SweepPoint? {
            while true {
                if position < buffer.count {
                    position += 1
                    return buffer[position - 1]
                }
                if let error = pending {
                    pending = nil
                    finished = true
                    throw error
                }
                guard !finished, next < results.range.upperBound else {
                    finished = true
                    return nil
                }
                do { try Task.checkCancellation() } catch { finished = true; throw error }
                let block = next..<Swift.min(results.range.upperBound, next + blockSize)
                let began = ContinuousClock.now
                let outcomes: [Result<[ResultRecord], any Error>]
                do { outcomes = try await Self.evaluate(block, of: results) } catch { finished = true; throw error }
                if results.blockSize == nil, ContinuousClock.now - began < .milliseconds(250) { blockSize = Swift.min(blockSize * 2, 8192) }
                next = block.upperBound
                buffer.removeAll(keepingCapacity: true)
                position = 0
                let sweep = results.sweep
                for (i, outcome) in zip(block, outcomes) {
                    switch outcome {
                    case let .success(records):
                        buffer.append(SweepPoint(index: i, coordinates: sweep.coordinates(of: i), parameters: sweep.parameters, records: records))
                    case let .failure(error):
                        let located = sweep.located(error, point: i)
                        if results.stopOnError {
                            pending = located
                            break
                        }
                        buffer.append(SweepPoint(index: i, coordinates: sweep.coordinates(of: i), parameters: sweep.parameters, records: [], error: located))
                    }
                    if pending != nil { break }
                }
            }
        }

        /// The block's outcomes, computed off the cooperative pool; cancellation skips the points
        /// not yet started and throws `CancellationError`.
        static func evaluate(_ block: Range<Int>, of results: SweepResults) async throws -> [Result<[ResultRecord], any Error>] {
            let cancelled = CancellationFlag()
            let sweep = results.sweep, threads = results.threads
            // A mapper search in flight stops too (its result is dropped).
            var search = results.search
            let interrupted = search.interrupted
            search.interrupted = { cancelled.isSet || interrupted?() == true }
            let options = search
            let outcomes: [Result<[ResultRecord], any Error>?] = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    BlockRun.start(block, threads: threads, body: { i in
                        cancelled.isSet ? nil : Result { try sweep.evaluate(i, search: options) }
                    }, done: { continuation.resume(returning: $0) })
                }
            } onCancel: {
                cancelled.set()
            }
            try Task.checkCancellation()
            return try outcomes.map { outcome in
                guard let outcome else { throw CancellationError() }
                return outcome
            }
        }
    }
}

/// One block of points evaluated on threads of its own, not on Dispatch's workers: those are
/// also the threads Swift concurrency runs tasks on, and a block holding every one of them would
/// keep the consumer (and its cancellation) from running until the block ends.
final class BlockRun<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let range: Range<Int>
    private let body: @Sendable (Int) -> R
    private let done: @Sendable ([R]) -> Void
    private var results: [R?]
    private var next = 0
    private var running: Int

    private init(_ range: Range<Int>, threads: Int, body: @escaping @Sendable (Int) -> R, done: @escaping @Sendable ([R]) -> Void) {
        self.range = range; self.body = body; self.done = done
        results = Array(repeating: nil, count: range.count)
        running = threads
    }

    /// Evaluates `body` over `range` on `threads` new threads (points handed out one at a time,
    /// in order) and calls `done` with the results in index order from the last thread to finish.
    static func start(_ range: Range<Int>, threads: Int, body: @escaping @Sendable (Int) -> R, done: @escaping @Sendable ([R]) -> Void) {
        let count = Swift.max(1, Swift.min(threads, range.count))
        let run = BlockRun(range, threads: count, body: body, done: done)
        for _ in 0..<count {
            let thread = Thread { run.work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            lock.lock()
            let k = next
            next += 1
            lock.unlock()
            guard k < results.count else { break }
            let value = body(range.lowerBound + k)
            lock.lock()
            results[k] = value
            lock.unlock()
        }
        lock.lock()
        running -= 1
        let last = running == 0
        lock.unlock()
        if last { done(results.compactMap { $0 }) }
    }
}

/// A flag set once, read from any thread.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
