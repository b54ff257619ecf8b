import EinsimCore
import Foundation
import HardwareModel

/// One axis of a design-space sweep: a parameter and the values it takes.
///
/// Written `NAME=VALUES`. VALUES is a comma list (`1024,4096`, `2TB/s,4.8TB/s`), a geometric range
/// `START:END:xFACTOR` (`1TB/s:8TB/s:x2`) or a linear range `START:END:+STEP` (`64:256:+64`,
/// `0.1:0.9:+0.2`). Quantities carry their unit; a range's values are written in its start's unit.
///
/// NAME is one of
/// - a workload parameter (``workloadNames``: `seq`, `batch`, `heads`, …; positive integers),
/// - `mapping` (mapping presets, e.g. `mapping=fa2,fa3,cudnn`),
/// - `variant.KEY`: the parameter KEY of every `--variant` that has it (`variant.density=0.1:0.9:+0.2`
///   on `block-sparse:density=0.5`), or
/// - a path into the hardware profile (``ProfileParameterPath``: `clock`, `hbm.bandwidth`,
///   `tensor-core.count`, `pe-2d.rows`, `dram.tRCD`, `parameter.fa2.combine-step`, …).
public struct SweepParameter: Sendable, Hashable {
    /// What a parameter changes.
    public enum Kind: String, Sendable, Hashable {
        case workload, profile, variant, mapping
    }

    public var name: String
    public var kind: Kind
    /// The values as written (a range's values in its start's unit, e.g. `1TB/s`, `2TB/s`, …).
    public var values: [String]
    /// The values as numbers in SI base units (nil for text values such as mapping names).
    public var numbers: [Double?]
    /// The SI base unit of ``numbers`` (`B/s`, `Hz`, …), nil for plain numbers and text.
    public var unit: String?

    /// The column header in CSV and the key in JSON: the name with its unit, e.g. `hbm.bandwidth [B/s]`.
    public var header: String { unit.map { "\(name) [\($0)]" } ?? name }

    /// Workload parameters (flag names of `simulate`).
    public static let workloadNames = ["seq", "batch", "heads", "kv-heads", "q-len", "kv-len", "head-dim"]
    /// Most values one parameter may take.
    public static let maximumValues = 1_000_000
    /// Most points a sweep may have unless the caller allows more.
    public static let maximumPoints = 1_000_000

    public init(name: String, kind: Kind, values: [String], numbers: [Double?], unit: String?) {
        self.name = name; self.kind = kind; self.values = values; self.numbers = numbers; self.unit = unit
    }

    public var isWorkload: Bool { kind == .workload }

    /// Every name a parameter may start with, for suggestions.
    static var knownNames: [String] {
        workloadNames + ["mapping"] + ProfileParameterPath.topLevel.keys.sorted()
            + ProfileParameterPath.memoryFields.keys.sorted().map { "hbm.\($0)" }
            + ["variant.density", "variant.block", "variant.window"]
    }

    /// Parses `NAME=VALUES` (errors name the text, with a suggestion).
    public static func parse(_ spec: String) throws -> SweepParameter {
        let parts = spec.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SimpleInputError("sweep '\(spec.prefix(80))': expected NAME=VALUES", suggestion: "e.g. --sweep seq=1024:65536:x2 or --sweep hbm.bandwidth=1TB/s:8TB/s:x2")
        }
        return try parse(name: parts[0], values: parts[1])
    }

    /// Parses a parameter from its name and its VALUES text.
    public static func parse(name: String, values text: String) throws -> SweepParameter {
        let kind: Kind
        let valueKind: ProfileParameterPath.ValueKind
        if workloadNames.contains(name) {
            kind = .workload; valueKind = .integer
        } else if name == "mapping" {
            kind = .mapping; valueKind = .text
        } else if name.hasPrefix("variant.") {
            guard name.count > "variant.".count else {
                throw SimpleInputError("sweep parameter 'variant.' names no variant parameter", suggestion: "e.g. variant.density=0.1:0.9:+0.2")
            }
            kind = .variant; valueKind = .number
        } else {
            kind = .profile
            valueKind = try ProfileParameterPath.valueKind(of: name)
        }
        let (values, numbers) = try expand(text, parameter: name, kind: valueKind)
        guard !values.isEmpty else { throw SimpleInputError("sweep \(name)=\(text.prefix(60)) has no values") }
        var unit = valueKind.unit
        if valueKind == .anyQuantity, let first = values.first, Double(first) == nil, let q = try? Quantity.parse(first), q.dimension != .dimensionless {
            // A profile <parameter> or an energy: the unit of the values written.
            guard values.allSatisfy({ (try? Quantity.parse($0))?.dimension == q.dimension }) else {
                throw SimpleInputError("sweep \(name)=\(text.prefix(60)): the values have different dimensions", suggestion: "write every value in units of \(q.dimension.phrase)")
            }
            unit = Quantity.baseUnit(of: q.dimension)
        }
        return SweepParameter(name: name, kind: kind, values: values, numbers: numbers, unit: unit)
    }

    /// A number as the CSV writes it: integral values without a fraction, others in shortest form.
    public static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : x.description
    }

    /// The SI value of `text` for a value of `kind` (nil for text), or a located error.
    static func number(_ text: String, parameter: String, kind: ProfileParameterPath.ValueKind) throws -> Double? {
        switch kind {
        case .text: return nil
        case .integer:
            guard let n = Int(text), n > 0, n <= 1 << 40 else {
                throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): expected a positive integer", suggestion: "e.g. \(parameter)=\(kind.example)")
            }
            return Double(n)
        case .number, .fraction:
            guard let d = Double(text), d.isFinite else {
                throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): expected a number", suggestion: "e.g. \(parameter)=\(kind.example)")
            }
            if kind == .fraction, !(d > 0 && d <= 1) {
                throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): must be in (0, 1]", suggestion: "e.g. \(parameter)=0.9")
            }
            return d
        case let .quantity(dimension):
            let q: Double
            do { q = try Quantity.parse(text, as: dimension).value } catch {
                if let plain = Double(text), dimension == .perCycle || dimension == .cycles {
                    guard plain > 0, plain.isFinite else { throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): must be positive") }
                    return plain
                }
                throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): \(error)", suggestion: "write \(dimension.phrase) with its unit, e.g. \(parameter)=\(kind.example)")
            }
            guard q > 0, q.isFinite else { throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): must be positive") }
            return q
        case .anyQuantity:
            if let plain = Double(text), plain.isFinite { return plain }
            do { return try Quantity.parse(text).value } catch {
                throw SimpleInputError("sweep \(parameter)=\(text.prefix(40)): \(error)", suggestion: "write a number or a quantity with its unit, e.g. \(parameter)=0.2us")
            }
        }
    }

    /// Splits `1.5TB/s` into (1.5, "TB/s"); nil when there is no leading number.
    static func splitUnit(_ text: String) -> (Double, String)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var end = t.startIndex
        var best: (Double, String.Index)?
        while end < t.endIndex {
            end = t.index(after: end)
            if let v = Double(t[t.startIndex..<end]) { best = (v, end) }
        }
        guard let (value, index) = best else { return nil }
        return (value, String(t[index...]).trimmingCharacters(in: .whitespaces))
    }

    /// The values of `text` (list or range) as written and as SI numbers.
    static func expand(_ text: String, parameter: String, kind: ProfileParameterPath.ValueKind) throws -> ([String], [Double?]) {
        let range = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard range.count == 3, kind != .text else {
            let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard values.count <= maximumValues else { throw SimpleInputError("sweep \(parameter) has more than \(maximumValues) values") }
            return (values, try values.map { try number($0, parameter: parameter, kind: kind) })
        }
        let example = kind.rangeExample
        guard let start = try number(range[0], parameter: parameter, kind: kind),
              let end = try number(range[1], parameter: parameter, kind: kind), end >= start, start > 0 || kind == .number else {
            throw SimpleInputError("sweep \(parameter)=\(text.prefix(60)): a range is START:END:STEP with START ≤ END", suggestion: "e.g. \(parameter)=\(example)")
        }
        // Values are generated in the start's unit (1TB/s:8TB/s:x2 → 1TB/s, 2TB/s, 4TB/s, 8TB/s).
        let (startFigure, unit) = splitUnit(range[0]) ?? (start, "")
        let scale = startFigure != 0 ? start / startFigure : 1
        let step = range[2]
        var figures: [Double] = []
        let limit = end / scale * (1 + 1e-9) + (end == 0 ? 1e-12 : 0)
        if step.hasPrefix("x"), let factor = Double(step.dropFirst()), factor > 1, startFigure > 0 {
            var v = startFigure
            while v <= limit && figures.count <= maximumValues { figures.append(v); v *= factor }
        } else if step.hasPrefix("+"), let increment = try stepValue(String(step.dropFirst()), parameter: parameter, kind: kind, scale: scale), increment > 0 {
            var i = 0.0
            // Multiples of the step from the start (no accumulated rounding: 0.1 + 2 × 0.2 = 0.5).
            while startFigure + i * increment <= limit && figures.count <= maximumValues {
                let v = startFigure + i * increment
                figures.append((v * 1e12).rounded() / 1e12)
                i += 1
            }
        } else {
            throw SimpleInputError("sweep \(parameter)=\(text.prefix(60)): step '\(step.prefix(20))' must be xFACTOR (> 1) or +INCREMENT (> 0)", suggestion: "e.g. \(parameter)=\(example)")
        }
        guard figures.count <= maximumValues else { throw SimpleInputError("sweep \(parameter) has more than \(maximumValues) values", suggestion: "use a coarser step") }
        if kind == .integer { figures = figures.map { $0.rounded() } }
        var seen = Set<Double>()
        figures = figures.filter { seen.insert($0).inserted }
        let values = figures.map { format($0) + unit }
        return (values, try values.map { try number($0, parameter: parameter, kind: kind) })
    }

    /// A linear step in the start's unit: `+64`, `+0.2`, `+1TB/s`.
    static func stepValue(_ text: String, parameter: String, kind: ProfileParameterPath.ValueKind, scale: Double) throws -> Double? {
        if let plain = Double(text) { return plain }
        guard case .quantity = kind, let si = try number(text, parameter: parameter, kind: kind) else { return nil }
        return si / scale
    }

    /// Number of points of the grid over `parameters` (their product), or an error past `limit`.
    public static func pointCount(_ parameters: [SweepParameter], limit: Int = maximumPoints) throws -> Int {
        var total = 1
        for p in parameters {
            let (product, overflow) = total.multipliedReportingOverflow(by: p.values.count)
            guard !overflow, product <= limit else {
                throw SimpleInputError("the sweep has more than \(limit) points (\(parameters.map { "\($0.name): \($0.values.count)" }.joined(separator: " x ")))",
                                       suggestion: "use fewer values or coarser ranges, split it with --shard K/N, or raise the limit with --max-points N")
            }
            total = product
        }
        return total
    }
}

extension SweepParameter {
    /// `profile` with the profile parameter at `path` set to `value`, written with its unit
    /// (`4.8TB/s`, `1.5GHz`, `40MiB`, `500W`, `2us`; counts as integers). See ``ProfileParameterPath``.
    public static func apply(_ path: String, _ value: String, to profile: HardwareProfile) throws -> HardwareProfile {
        let kind = try ProfileParameterPath.valueKind(of: path)
        let number = try self.number(value, parameter: path, kind: kind) ?? 0
        return try ProfileParameterPath.apply(path, number, to: profile)
    }
}
