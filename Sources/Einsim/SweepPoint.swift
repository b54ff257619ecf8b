import Reports

/// One point of a sweep with its results: where it is in the grid, the swept values there, and one
/// record per (hardware × variant) of the sweep's base, in that order.
public struct SweepPoint: Sendable {
    /// The point's index in the grid (row-major, the first parameter outermost).
    public let index: Int
    /// The value index of every swept parameter at this point, in the sweep's parameter order.
    public let coordinates: [Int]
    /// The swept parameters (shared by every point of a sweep).
    public let parameters: [SweepParameter]
    /// The results: one per (hardware × variant), hardware outermost. Empty when ``error`` is set.
    public let records: [ResultRecord]
    /// Why the point could not be simulated, when the sweep was asked to keep going past failures
    /// (``AttentionSweep/results(in:threads:blockSize:stopOnError:search:)`` with `stopOnError: false`).
    public let error: (any Error)?

    /// Creates a point (the sweep's stream makes them; tests and callers may too).
    public init(index: Int, coordinates: [Int], parameters: [SweepParameter], records: [ResultRecord], error: (any Error)? = nil) {
        self.index = index; self.coordinates = coordinates; self.parameters = parameters; self.records = records; self.error = error
    }

    /// The value of parameter `name` at this point as written (`4TB/s`, `fa2`), nil when not swept.
    public func value(of name: String) -> String? {
        parameters.firstIndex { $0.name == name }.map { parameters[$0].values[coordinates[$0]] }
    }

    /// The value of parameter `name` at this point in SI base units, nil when it is not swept or
    /// is text (a mapping name).
    public func number(of name: String) -> Double? {
        parameters.firstIndex { $0.name == name }.flatMap { parameters[$0].numbers[coordinates[$0]] }
    }

    /// The point's rows as `einsim sweep` writes them (`.csv` or `.jsonl`, one line per record,
    /// each ending in a newline); `withPoint` starts each row with the point index, as in files
    /// written with `--output`.
    public func lines(_ format: SweepOutput.Format, withPoint: Bool = false) -> String {
        SweepOutput.lines(format, point: index, parameters: parameters, coordinates: coordinates, records: records, withPoint: withPoint)
    }
}
