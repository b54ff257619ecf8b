import EinsimCore

/// A number with a unit, as written in a hardware profile (`3.35 TB/s`, `50 MiB`, `3.9 pJ/bit`).
///
/// `value` is in the base unit of `dimension` (B, B/s, Hz, s, J, J/bit, W, cycles, ops/cycle).
/// SI prefixes are powers of 1000 and binary prefixes powers of 1024, exactly: `1 kB` = 1000 B,
/// `1 KiB` = 1024 B, `1 GB/s` = 1e9 B/s, `1 TB/s` = 1e12 B/s. Bit-based units are divided by 8
/// (`1 Gbit/s` = 1.25e8 B/s, `1 pJ/B` = 0.125 pJ/bit). The ambiguous `KB` is refused.
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    public var value: Double
    public var dimension: Dimension

    public init(_ value: Double, _ dimension: Dimension) {
        self.value = value
        self.dimension = dimension
    }

    public var description: String { "\(value) \(Quantity.baseUnit(of: dimension))" }

    /// The base unit's symbol, e.g. `B/s` for a bandwidth.
    public static func baseUnit(of dimension: Dimension) -> String {
        switch dimension {
        case .bytes: return "B"
        case .bandwidth: return "B/s"
        case .frequency: return "Hz"
        case .time: return "s"
        case .energy: return "J"
        case .energyPerBit: return "J/bit"
        case .power: return "W"
        case .cycles: return "cycles"
        case .perCycle: return "ops/cycle"
        case .dimensionless: return ""
        }
    }

    /// Why a piece of text is not a quantity of the expected dimension.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty(expected: Dimension)
        case notANumber(text: String, expected: Dimension)
        case missingUnit(text: String, expected: Dimension)
        case unknownUnit(unit: String, expected: Dimension, suggestion: String?)
        case wrongDimension(unit: String, got: Dimension, expected: Dimension)
        case ambiguousUnit(unit: String, suggestion: String)
        /// A unit that is not known in any dimension (from ``Quantity/parse(_:)``, which accepts every dimension).
        case unknownUnitInAnyDimension(unit: String, suggestion: String?)

        /// One sentence saying what is wrong.
        public var description: String {
            switch self {
            case .empty(let expected):
                return "expected \(expected.phrase) but the value is empty"
            case .notANumber(let text, let expected):
                return "expected \(expected.phrase) but '\(text)' does not start with a number"
            case .missingUnit(let text, let expected):
                return "expected \(expected.phrase) but '\(text)' has no unit"
            case .unknownUnit(let unit, let expected, _):
                return "unknown unit '\(unit)' (expected \(expected.phrase))"
            case .wrongDimension(let unit, let got, let expected):
                return "expected \(expected.phrase) but got '\(unit)' (\(got.phrase))"
            case .ambiguousUnit(let unit, _):
                return "the unit '\(unit)' is ambiguous"
            case .unknownUnitInAnyDimension(let unit, _):
                return "unknown unit '\(unit)' (expected a plain number or a number with a unit such as s, B, Hz, W, J)"
            }
        }

        /// What to write instead, when something obvious helps.
        public var suggestion: String? {
            switch self {
            case .empty(let expected), .notANumber(_, let expected), .missingUnit(_, let expected):
                return "write a number and a unit, e.g. '\(expected.example)'"
            case .unknownUnit(_, let expected, let suggestion):
                return suggestion ?? "write e.g. '\(expected.example)'"
            case .wrongDimension(_, _, let expected):
                return "write e.g. '\(expected.example)'"
            case .ambiguousUnit(_, let suggestion):
                return suggestion
            case .unknownUnitInAnyDimension(_, let suggestion):
                return suggestion ?? "write e.g. '0.55 us', '64 B', '792 MHz' or '0.5'"
            }
        }
    }

    /// Parses `text` as a quantity of `dimension`.
    ///
    /// Accepts an optional sign, a decimal number (with optional exponent), optional spaces, and a
    /// unit from ``Quantity/units``. A bare number is accepted only where the dimension allows it
    /// (cycles, per-cycle rates, plain numbers).
    public static func parse(_ text: String, as dimension: Dimension) throws(ParseError) -> Quantity {
        let (number, unitText, trimmed) = try split(text, expected: dimension)
        if unitText.isEmpty {
            guard dimension.acceptsBareNumber else { throw .missingUnit(text: trimmed, expected: dimension) }
            return Quantity(number, dimension)
        }
        if let advice = ambiguousUnits[unitText] { throw .ambiguousUnit(unit: unitText, suggestion: advice) }
        guard let unit = units[unitText] else {
            let sameDimension = units.filter { $0.value.dimension == dimension }.map(\.key).sorted()
            let suggestion = Suggestions.didYouMean(unitText, in: sameDimension)
                ?? Suggestions.didYouMean(unitText, in: units.keys.sorted())
            throw .unknownUnit(unit: unitText, expected: dimension, suggestion: suggestion)
        }
        guard unit.dimension == dimension else {
            throw .wrongDimension(unit: unitText, got: unit.dimension, expected: dimension)
        }
        // Dividing by an exact power of ten keeps `2.5 us` at exactly 2.5e-6 (multiplying by 1e-6 would not).
        return Quantity(number * unit.factor / unit.divisor, dimension)
    }

    /// `text` split into its number and its unit text (trimmed), with the trimmed text.
    private static func split(_ text: String, expected dimension: Dimension) throws(ParseError) -> (number: Double, unit: String, trimmed: String) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty(expected: dimension) }
        let scalars = Array(trimmed.unicodeScalars)
        var index = 0
        func isNumberScalar(_ s: Unicode.Scalar, previous: Unicode.Scalar?) -> Bool {
            switch s {
            case "0"..."9", ".": return true
            case "+", "-": return previous == nil || previous == "e" || previous == "E"
            case "e", "E":
                // An exponent only when followed by a digit or sign (so "5 EB" is not an exponent).
                guard let p = previous, ("0"..."9").contains(p) || p == "." else { return false }
                guard index + 1 < scalars.count else { return false }
                let next = scalars[index + 1]
                return ("0"..."9").contains(next) || next == "+" || next == "-"
            default: return false
            }
        }
        while index < scalars.count, isNumberScalar(scalars[index], previous: index > 0 ? scalars[index - 1] : nil) {
            index += 1
        }
        let numberText = String(String.UnicodeScalarView(scalars[0..<index]))
        let unitText = String(String.UnicodeScalarView(scalars[index...])).trimmingWhitespace()
        guard let number = Double(numberText), number.isFinite else {
            throw .notANumber(text: trimmed, expected: dimension)
        }
        return (number, unitText, trimmed)
    }

    /// Parses `text` as a quantity of whatever dimension its unit has: a bare number is
    /// ``Dimension/dimensionless``, `0.55 us` a time of 5.5e-7 s, `64 B` a size, `792 MHz` a
    /// frequency. Used where the profile, not the schema, decides the dimension (`<parameter>`).
    public static func parse(_ text: String) throws(ParseError) -> Quantity {
        let (number, unitText, _) = try split(text, expected: .dimensionless)
        if unitText.isEmpty { return Quantity(number, .dimensionless) }
        if let advice = ambiguousUnits[unitText] { throw .ambiguousUnit(unit: unitText, suggestion: advice) }
        guard let unit = units[unitText] else {
            throw .unknownUnitInAnyDimension(unit: unitText, suggestion: Suggestions.didYouMean(unitText, in: units.keys.sorted()))
        }
        return Quantity(number * unit.factor / unit.divisor, unit.dimension)
    }

    /// Every unit symbol accepted, with its dimension and conversion to the base unit
    /// (value × factor ÷ divisor).
    public static let units: [String: (dimension: Dimension, factor: Double, divisor: Double)] = makeUnits()

    /// Units refused because they mean different things to different people.
    static let ambiguousUnits: [String: String] = [
        "KB": "write 'kB' (1000 B) or 'KiB' (1024 B)",
        "KB/s": "write 'kB/s' (1000 B/s) or 'KiB/s' (1024 B/s)",
        "Gb/s": "write 'Gbit/s' (bits) or 'GB/s' (bytes)",
        "Tb/s": "write 'Tbit/s' (bits) or 'TB/s' (bytes)",
        "Mb/s": "write 'Mbit/s' (bits) or 'MB/s' (bytes)",
    ]

    private static func makeUnits() -> [String: (dimension: Dimension, factor: Double, divisor: Double)] {
        var table: [String: (dimension: Dimension, factor: Double, divisor: Double)] = [:]
        let si: [(String, Double)] = [("", 1), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15)]
        let binary: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("Pi", 1_125_899_906_842_624),
        ]
        for (prefix, factor) in si + binary {
            table["\(prefix)B"] = (.bytes, factor, 1)
            table["\(prefix)bit"] = (.bytes, factor, 8)
            table["\(prefix)B/s"] = (.bandwidth, factor, 1)
            table["\(prefix)bit/s"] = (.bandwidth, factor, 8)
        }
        for (prefix, factor) in si where prefix != "P" {
            table["\(prefix)Hz"] = (.frequency, factor, 1)
        }
        // Sub-unit prefixes as divisors (exact powers of ten).
        let small: [(String, Double)] = [
            ("", 1), ("m", 1e3), ("u", 1e6), ("\u{00B5}", 1e6), ("\u{03BC}", 1e6),
            ("n", 1e9), ("p", 1e12), ("f", 1e15),
        ]
        for (prefix, divisor) in small {
            table["\(prefix)s"] = (.time, 1, divisor)
            table["\(prefix)J"] = (.energy, 1, divisor)
            for event in ["op", "MAC", "access", "read", "write", "cycle"] {
                table["\(prefix)J/\(event)"] = (.energy, 1, divisor)
            }
            table["\(prefix)J/bit"] = (.energyPerBit, 1, divisor)
            table["\(prefix)J/b"] = (.energyPerBit, 1, divisor)
            table["\(prefix)J/B"] = (.energyPerBit, 1, divisor * 8)
            table["\(prefix)W"] = (.power, 1, divisor)
        }
        table["kW"] = (.power, 1e3, 1)
        table["min"] = (.time, 60, 1)
        for symbol in ["cycle", "cycles", "clk", "tCK"] { table[symbol] = (.cycles, 1, 1) }
        for symbol in ["ops/cycle", "op/cycle", "MAC/cycle", "MACs/cycle", "ops/clk", "MAC/clk", "B/cycle"] {
            table[symbol] = (.perCycle, 1, 1)
        }
        table["%"] = (.dimensionless, 1, 100)
        return table
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
