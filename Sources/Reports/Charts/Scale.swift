import Foundation

/// Maps data values onto a pixel range, linearly or logarithmically, with readable ticks.
public struct Scale: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case linear, log }

    public var kind: Kind
    /// The data interval (for `.log`, both ends positive); widened to nice values by ``nice(_:_:_:)``.
    public var domain: ClosedRange<Double>
    /// The pixel interval the domain maps to (`range.lower` may exceed `range.upper`, for a y axis).
    public var start: Double
    public var end: Double

    public init(kind: Kind, domain: ClosedRange<Double>, start: Double, end: Double) {
        self.kind = kind; self.domain = domain; self.start = start; self.end = end
    }

    /// A scale over `values` with a nice domain: powers of ten for `.log` (non-positive values
    /// ignored), 1-2-5 steps for `.linear` (starting at 0 when all values are positive and `fromZero`).
    public static func nice(_ kind: Kind, values: [Double], start: Double, end: Double, fromZero: Bool = false) -> Scale {
        // Values beyond ±1e300 (and log values below 1e-300) are left out: their nice ends would overflow.
        let finite = values.filter { $0.isFinite && abs($0) < 1e300 && (kind == .linear || $0 > 1e-300) }
        guard var lo = finite.min(), var hi = finite.max() else {
            return Scale(kind: kind, domain: kind == .log ? 1...10 : 0...1, start: start, end: end)
        }
        switch kind {
        case .log:
            lo = Scale.power10(floor: lo); hi = Scale.power10(ceiling: hi)
            if hi <= lo { hi = lo * 10 }
        case .linear:
            if fromZero && lo > 0 { lo = 0 }
            if hi == lo { hi = lo + (lo == 0 ? 1 : abs(lo)) }
            let step = Scale.step(hi - lo, target: 5)
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
        }
        return Scale(kind: kind, domain: lo...hi, start: start, end: end)
    }

    /// The pixel position of `value` (values outside the domain map outside the range; `.log`
    /// clamps non-positive values to the domain's lower end).
    public func position(_ value: Double) -> Double {
        start + fraction(value) * (end - start)
    }

    /// Where `value` lies in the domain, 0 at the lower end and 1 at the upper.
    public func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            return span > 0 ? (value - domain.lowerBound) / span : 0
        case .log:
            let v = value > 0 ? value : domain.lowerBound
            return (log10(v) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
    }

    /// The data value at pixel `position` (the inverse of ``position(_:)``).
    public func value(at position: Double) -> Double {
        let f = end != start ? (position - start) / (end - start) : 0
        switch kind {
        case .linear: return domain.lowerBound + f * (domain.upperBound - domain.lowerBound)
        case .log: return pow(10, log10(domain.lowerBound) + f * (log10(domain.upperBound) - log10(domain.lowerBound)))
        }
    }

    /// Tick values inside the domain: each power of ten (every second or third one over many
    /// decades) for `.log`, a 1-2-5 step giving about five ticks for `.linear`.
    public var ticks: [Double] {
        switch kind {
        case .log:
            guard domain.lowerBound > 0, domain.upperBound.isFinite else { return [] }
            let first = Int(log10(domain.lowerBound).rounded()), last = Int(log10(domain.upperBound).rounded())
            guard last > first else { return [domain.lowerBound] }
            let stride = last - first > 12 ? 3 : last - first > 7 ? 2 : 1
            return Swift.stride(from: first, through: last, by: stride).map { pow(10, Double($0)) }
        case .linear:
            let step = Scale.step(domain.upperBound - domain.lowerBound, target: 5)
            guard step > 0 else { return [domain.lowerBound] }
            var out: [Double] = []
            var k = (domain.lowerBound / step).rounded(.up)
            while k * step <= domain.upperBound + step * 1e-9, out.count < 50 {
                out.append(k * step == 0 ? 0 : k * step)
                k += 1
            }
            return out
        }
    }

    /// A 1, 2 or 5 times a power of ten near `span / target`.
    static func step(_ span: Double, target: Double) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / target
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let r = raw / magnitude
        return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * magnitude
    }

    static func power10(floor x: Double) -> Double { pow(10, log10(x).rounded(.down)) }
    static func power10(ceiling x: Double) -> Double {
        let p = pow(10, log10(x).rounded(.up))
        return p < x ? p * 10 : p
    }
}
