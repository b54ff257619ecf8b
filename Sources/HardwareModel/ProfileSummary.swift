import EinsimCore

/// Validation entry point for `einsim validate FILE.xml`, and the one-screen profile summary.
public enum ProfileSummary {
    /// Loads and validates the profile; returns a one-screen summary or throws an `InputError`.
    public static func validate(path: String) throws -> String {
        summary(of: try ProfileLoader.load(path: path))
    }

    /// Kind, clock, units with peak rates per precision and path, memory levels, the balance
    /// point (peak bf16/fp16 matrix FLOP/s over main-memory bandwidth) and power.
    public static func summary(of profile: HardwareProfile) -> String {
        var lines = ["\(profile.name) (\(profile.kind.rawValue)): valid"]
        if !profile.summary.isEmpty { lines.append("  \(profile.summary)") }
        lines.append("  clock \(format(profile.clockHz, "Hz")), \(profile.processorCount) processors"
                     + (profile.launchOverheadSeconds > 0 ? ", launch overhead \(format(profile.launchOverheadSeconds, "s"))" : ""))
        if !profile.devices.isEmpty {
            lines.append("  devices: " + profile.devices.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))
        }
        lines.append("  compute units:")
        for unit in profile.computeUnits {
            var shape = ""
            if let rows = unit.rows, let columns = unit.columns { shape = " \(rows)x\(columns)" }
            if let width = unit.width { shape += " width \(width)" }
            lines.append("    \(unit.name) (\(unit.kind.rawValue)\(shape)) x\(unit.count): "
                         + unit.operations.map(\.rawValue).sorted().joined(separator: " "))
            for rate in unit.throughput {
                let perSecond = rate.opsPerCycle * Double(unit.count) * clock(of: unit, in: profile)
                let flops = unit.kind == .matrix || unit.kind == .pimALU ? 2 * perSecond : perSecond
                let label = unit.kind == .matrix || unit.kind == .pimALU ? "FLOP/s" : "OP/s"
                let path = rate.path.map { " \($0)" } ?? ""
                let achieved = rate.achievedFraction < 1 ? String(format3(rate.achievedFraction)).prefixed(", achieved ") : ""
                lines.append("      \(rate.precision.rawValue)\(path): \(format(flops, label))\(achieved)")
            }
        }
        lines.append("  memory levels (outermost first):")
        for level in profile.memoryLevels {
            let instances = level.instances > 1 ? " x\(level.instances)" : ""
            let binary = level.capacityBytes.truncatingRemainder(dividingBy: 1024) == 0
            lines.append("    \(level.name): \(format(level.capacityBytes, "B", binary: binary))\(instances), "
                         + "\(format(level.aggregateBandwidth, "B/s")) aggregate")
        }
        if let balance = balancePoint(profile) {
            lines.append("  balance point: \(format3(balance)) FLOP/byte (peak 16-bit matrix FLOP/s / main-memory bandwidth)")
        }
        if profile.power.limitWatts > 0 || profile.power.idleWatts > 0 {
            lines.append("  power: idle \(format(profile.power.idleWatts, "W")), limit \(format(profile.power.limitWatts, "W"))")
        }
        if let dram = profile.dram {
            lines.append("  dram: \(dram.protocolName), \(dram.channels) channels, \(dram.totalBanks) banks, tCK \(format(dram.tCKSeconds, "s"))")
        }
        if let pim = profile.pim {
            lines.append("  pim: \(pim.placement.rawValue), \(pim.macsPerUnit) MACs per unit, \(pim.rowBuffersPerBank) row buffer(s) per bank")
        }
        if !profile.parameters.isEmpty {
            lines.append("  parameters:")
            for parameter in profile.parameters.values.sorted(by: { $0.name < $1.name }) {
                lines.append("    \(parameter.name) = \(parameter.text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Peak 16-bit (bf16, else fp16) matrix FLOP/s of the whole profile, at peak (not achieved).
    public static func peakMatrixFLOPS(_ profile: HardwareProfile, precision: Precision = .bf16) -> Double {
        profile.computeUnits.filter { $0.kind == .matrix }.reduce(0) { total, unit in
            let rates = unit.throughput.filter { $0.precision == precision }
            guard let best = rates.map(\.opsPerCycle).max() else { return total }
            return total + 2 * best * Double(unit.count) * clock(of: unit, in: profile)
        }
    }

    /// Peak 16-bit matrix FLOP/s over main-memory bandwidth, in FLOP/byte.
    public static func balancePoint(_ profile: HardwareProfile) -> Double? {
        var flops = peakMatrixFLOPS(profile, precision: .bf16)
        if flops == 0 { flops = peakMatrixFLOPS(profile, precision: .fp16) }
        guard flops > 0, let memory = profile.mainMemory, memory.aggregateBandwidth > 0 else { return nil }
        return flops / memory.aggregateBandwidth
    }

    /// The clock of the device that owns `unit` (a system's devices may run at their own clocks).
    static func clock(of unit: ComputeUnit, in profile: HardwareProfile) -> Double {
        for device in profile.devices where device.unit(named: unit.name) != nil {
            return clock(of: unit, in: device)
        }
        return profile.clockHz
    }

    /// `value` with an SI (or binary) prefix and four significant digits: "989.4 TFLOP/s".
    static func format(_ value: Double, _ unit: String, binary: Bool = false) -> String {
        let base = binary ? 1024.0 : 1000.0
        let prefixes = binary ? ["", "Ki", "Mi", "Gi", "Ti", "Pi"] : ["", "k", "M", "G", "T", "P", "E"]
        let small = ["", "m", "µ", "n", "p"]
        var scaled = value, index = 0
        if abs(value) >= 1 || value == 0 {
            while abs(scaled) >= base, index < prefixes.count - 1 { scaled /= base; index += 1 }
            return "\(format3(scaled)) \(prefixes[index])\(unit)"
        }
        while abs(scaled) < 1, index < small.count - 1 { scaled *= 1000; index += 1 }
        return "\(format3(scaled)) \(small[index])\(unit)"
    }

    /// Four significant digits, without trailing zeros.
    static func format3(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = value == 0 ? 0 : Int(log10Floor(abs(value)))
        let decimals = max(0, 3 - magnitude)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    private static func log10Floor(_ value: Double) -> Double {
        var exponent = 0.0, scaled = value
        while scaled >= 10 { scaled /= 10; exponent += 1 }
        while scaled < 1 { scaled *= 10; exponent -= 1 }
        return exponent
    }
}

extension String {
    fileprivate func prefixed(_ prefix: String) -> String { prefix + self }
}
