/// The physical dimension a quantity in a hardware profile must have.
///
/// Every number in a profile is read as a ``Quantity`` of one of these dimensions and converted to
/// base SI units (bytes, hertz, seconds, joules, watts) before it reaches a ``HardwareProfile``.
public enum Dimension: String, Sendable, Hashable, CaseIterable {
    /// Bytes (B, kB, MiB, …; bit-suffixed units are divided by 8).
    case bytes
    /// Bytes per second (GB/s, TiB/s, Gbit/s, …).
    case bandwidth
    /// Hertz (MHz, GHz, …).
    case frequency
    /// Seconds (s, ms, us/µs, ns, ps).
    case time
    /// Joules per event (pJ, pJ/op, pJ/MAC, pJ/access, …).
    case energy
    /// Joules per bit (pJ/bit; pJ/B is divided by 8).
    case energyPerBit
    /// Watts (mW, W, kW).
    case power
    /// Clock cycles (a bare number or `cycles`).
    case cycles
    /// Operations per cycle (a bare number or `ops/cycle`, `MAC/cycle`).
    case perCycle
    /// A pure number (a count or a fraction).
    case dimensionless

    /// What the dimension is called in messages, with its base unit: "a bandwidth (B/s)".
    public var phrase: String {
        switch self {
        case .bytes: return "a size (B)"
        case .bandwidth: return "a bandwidth (B/s)"
        case .frequency: return "a frequency (Hz)"
        case .time: return "a time (s)"
        case .energy: return "an energy (J)"
        case .energyPerBit: return "an energy per bit (J/bit)"
        case .power: return "a power (W)"
        case .cycles: return "a number of cycles"
        case .perCycle: return "operations per cycle"
        case .dimensionless: return "a plain number"
        }
    }

    /// An example value, used in suggestions.
    public var example: String {
        switch self {
        case .bytes: return "50 MiB"
        case .bandwidth: return "3.35 TB/s"
        case .frequency: return "1.83 GHz"
        case .time: return "2.5 us"
        case .energy: return "0.5 pJ"
        case .energyPerBit: return "3.9 pJ/bit"
        case .power: return "700 W"
        case .cycles: return "14 cycles"
        case .perCycle: return "2048 ops/cycle"
        case .dimensionless: return "132"
        }
    }

    /// Whether a bare number (no unit) is accepted for this dimension.
    public var acceptsBareNumber: Bool {
        switch self {
        case .cycles, .perCycle, .dimensionless: return true
        default: return false
        }
    }
}
