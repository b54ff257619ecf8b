import EinsimCore
import Foundation
import HardwareModel

/// Design-space sweeps: ranges over workload parameters (`seq`, `batch`, …) and profile
/// parameters (`clock`, `processors`, `hbm.bandwidth`, `l2.capacity`, `power.limit`, …).
///
/// A parameter is `NAME=VALUES`, VALUES a comma list (`1024,4096`, `2 TB/s,4.8 TB/s`), a geometric
/// range `a:b:xk` (`1024:65536:x2`) or a linear range `a:b:+k` (`64:256:+64`).
public struct SweepParameter: Sendable, Hashable {
    public var name: String
    public var values: [String]

    /// Workload parameters (flag names of `simulate`).
    public static let workloadNames = ["seq", "batch", "heads", "kv-heads", "q-len", "kv-len", "head-dim"]
    /// Profile parameters without a memory/unit prefix.
    public static let profileNames = ["clock", "processors", "power.limit", "power.idle", "launch-overhead"]
    /// Per-memory-level fields (`LEVEL.bandwidth`, `LEVEL.capacity`).
    public static let memoryFields = ["bandwidth", "capacity"]
    /// Most points a sweep may have (all parameters combined).
    public static let maximumPoints = 100_000

    public var isWorkload: Bool { Self.workloadNames.contains(name) }

    public static func parse(_ spec: String) throws -> SweepParameter {
        let parts = spec.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SimpleInputError("sweep '\(spec)': expected NAME=VALUES", suggestion: "e.g. --sweep seq=1024:65536:x2 or --sweep hbm.bandwidth=2TB/s,4.8TB/s")
        }
        let name = parts[0]
        let known = workloadNames + profileNames
        if !known.contains(name) {
            let field = name.split(separator: ".").last.map(String.init) ?? ""
            guard name.contains("."), memoryFields.contains(field) else {
                throw SimpleInputError("unknown sweep parameter '\(name)'",
                                       suggestion: Suggestions.didYouMean(name, in: known + ["hbm.bandwidth", "l2.capacity"]) ?? "parameters: " + (known + ["LEVEL.bandwidth", "LEVEL.capacity"]).joined(separator: ", "))
            }
        }
        let values = try expand(parts[1], parameter: name)
        guard !values.isEmpty else { throw SimpleInputError("sweep '\(spec)' has no values") }
        return SweepParameter(name: name, values: values)
    }

    static func expand(_ text: String, parameter: String) throws -> [String] {
        let range = text.split(separator: ":").map(String.init)
        guard range.count == 3 else {
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let start = Double(range[0]), let end = Double(range[1]), start.isFinite, end.isFinite, start > 0, end >= start else {
            throw SimpleInputError("sweep \(parameter)=\(text): a range is START:END:STEP with 0 < START ≤ END", suggestion: "e.g. 1024:65536:x2")
        }
        let step = range[2]
        var values: [Double] = []
        if step.hasPrefix("x"), let factor = Double(step.dropFirst()), factor > 1 {
            var v = start
            while v <= end * (1 + 1e-12) && values.count <= maximumPoints { values.append(v); v *= factor }
        } else if step.hasPrefix("+"), let increment = Double(step.dropFirst()), increment > 0 {
            var v = start
            while v <= end * (1 + 1e-12) && values.count <= maximumPoints { values.append(v); v += increment }
        } else {
            throw SimpleInputError("sweep \(parameter)=\(text): step '\(step)' must be xFACTOR (> 1) or +INCREMENT (> 0)")
        }
        guard values.count <= maximumPoints else { throw SimpleInputError("sweep \(parameter) has more than \(maximumPoints) values") }
        return values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }
    }

    /// Every combination of the parameters' values, first parameter outermost; nil when too many.
    public static func combinations(_ parameters: [SweepParameter]) throws -> [[(name: String, value: String)]] {
        var total = 1
        for p in parameters {
            let (product, overflow) = total.multipliedReportingOverflow(by: p.values.count)
            guard !overflow, product <= maximumPoints else {
                throw SimpleInputError("the sweep has more than \(maximumPoints) points", suggestion: "use fewer values or coarser ranges")
            }
            total = product
        }
        var result: [[(name: String, value: String)]] = [[]]
        for p in parameters {
            result = result.flatMap { prefix in p.values.map { prefix + [(p.name, $0)] } }
        }
        return result
    }

    /// `profile` with the profile parameter `name` set to `value` (units required where the
    /// quantity has a dimension: `1.5 GHz`, `4.8 TB/s`, `40 MiB`, `500 W`, `2 us`).
    public static func apply(_ name: String, _ value: String, to profile: HardwareProfile) throws -> HardwareProfile {
        var p = profile
        func quantity(_ dimension: HardwareModel.Dimension) throws -> Double {
            do {
                let q = try Quantity.parse(value, as: dimension).value
                guard q > 0, q.isFinite else { throw SimpleInputError("sweep \(name)=\(value): must be positive") }
                return q
            } catch let error as Quantity.ParseError {
                throw SimpleInputError("sweep \(name)=\(value): \(error)", suggestion: "write the value with its unit, e.g. \(name)=\(example(dimension))")
            }
        }
        switch name {
        case "clock": p.clockHz = try quantity(.frequency)
        case "processors":
            guard let n = Int(value), n > 0, n <= 1 << 20 else { throw SimpleInputError("sweep processors=\(value): expected a positive integer") }
            let old = p.processorCount
            p.processorCount = n
            for i in p.computeUnits.indices where p.computeUnits[i].count == old { p.computeUnits[i].count = n }
            for i in p.memoryLevels.indices where p.memoryLevels[i].instances == old { p.memoryLevels[i].instances = n }
        case "power.limit": p.power.limitWatts = try quantity(.power)
        case "power.idle": p.power.idleWatts = try quantity(.power)
        case "launch-overhead": p.launchOverheadSeconds = try quantity(.time)
        default:
            let parts = name.split(separator: ".").map(String.init)
            guard parts.count == 2, let index = p.memoryLevels.firstIndex(where: { $0.name == parts[0] }) else {
                throw SimpleInputError("profile '\(profile.name)' has no memory level '\(name.split(separator: ".").first ?? "")'",
                                       suggestion: Suggestions.didYouMean(String(name.split(separator: ".").first ?? ""), in: profile.memoryLevels.map(\.name)) ?? "levels: " + profile.memoryLevels.map(\.name).joined(separator: ", "))
            }
            // Aggregate figures: divide by the instances so the whole level gets the value.
            let instances = Double(max(1, p.memoryLevels[index].instances))
            switch parts[1] {
            case "bandwidth": p.memoryLevels[index].bandwidthBytesPerSecond = try quantity(.bandwidth) / instances
            case "capacity": p.memoryLevels[index].capacityBytes = try quantity(.bytes) / instances
            default: throw SimpleInputError("unknown memory field '\(parts[1])'", suggestion: "bandwidth or capacity")
            }
        }
        return p
    }

    static func example(_ d: HardwareModel.Dimension) -> String {
        switch d {
        case .frequency: return "1.5GHz"
        case .bandwidth: return "4.8TB/s"
        case .bytes: return "40MiB"
        case .power: return "500W"
        case .time: return "2us"
        default: return "1"
        }
    }
}
