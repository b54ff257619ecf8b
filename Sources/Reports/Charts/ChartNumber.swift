/// Number formatting for charts: fixed rules, no locale, so the same input gives the same bytes.
public enum ChartNumber {
    /// A coordinate: at most two decimals, trailing zeros dropped (`12.5`, `300`, `-0.25`).
    public static func coordinate(_ x: Double) -> String { decimals(x, 2) }

    /// `x` rounded to `places` decimals (0…6), trailing zeros dropped; non-finite values print as 0.
    public static func decimals(_ x: Double, _ places: Int) -> String {
        guard x.isFinite else { return "0" }
        let p = max(0, min(places, 6))
        var scale = 1.0
        for _ in 0..<p { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9.0e15 else { return scientific(x) }
        let n = Int(scaled)
        let whole = n / Int(scale)
        var fraction = String(n % Int(scale))
        if p > 0 { fraction = String(repeating: "0", count: p - fraction.count) + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = x < 0 && n != 0 ? "-" : ""
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// Three significant digits with a decimal exponent (`1.23e+15`).
    public static func scientific(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "0" }
        var exponent = 0
        var m = abs(x)
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        if (m * 100).rounded() >= 1000 { m /= 10; exponent += 1 }
        return (x < 0 ? "-" : "") + decimals(m, 2) + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
    }

    /// A plain number for labels: integers as integers, others with up to 4 significant digits.
    public static func plain(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        let a = abs(x)
        if a >= 1e6 || a < 1e-3 { return scientific(x) }
        let places = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4
        return decimals(x, places)
    }

    /// `x` with an SI prefix and `unit` (`3.35 TB/s`, `989 TFLOP/s`, `12.5 µs`), three significant digits.
    public static func si(_ x: Double, _ unit: String) -> String {
        guard x.isFinite else { return "n/a" }
        if x == 0 { return "0 " + unit }
        let prefixes: [(Double, String)] = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""),
                                            (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
        let a = abs(x)
        let (scale, prefix) = prefixes.first { a >= $0.0 * 0.9995 } ?? (1e-15, "f")
        let m = x / scale
        let places = abs(m) >= 99.95 ? 0 : abs(m) >= 9.995 ? 1 : 2
        return decimals(m, places) + " " + prefix + unit
    }
}
