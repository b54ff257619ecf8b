/// Builds one SVG image as text: elements appended in order, attribute values and text
/// XML-escaped, numbers through ``ChartNumber`` (the same chart gives the same bytes).
public struct SVGDocument: Sendable {
    public var width: Double
    public var height: Double
    /// The chart's name (`roofline`, `pareto`, …): the root's `id` and `data-chart`.
    public var name: String
    /// What the picture shows, for screen readers (`<title>`).
    public var title: String
    private var body: [String] = []
    private var open: [String] = []

    public init(name: String, title: String, width: Double, height: Double) {
        self.name = name; self.title = title; self.width = width; self.height = height
    }

    /// An attribute value: a string or a number.
    public enum Value: Sendable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
        case text(String)
        case number(Double)
        public init(stringLiteral value: String) { self = .text(value) }
        public init(floatLiteral value: Double) { self = .number(value) }
        public init(integerLiteral value: Int) { self = .number(Double(value)) }
        var rendered: String {
            switch self {
            case let .text(s): return SVGDocument.escape(s)
            case let .number(n): return ChartNumber.coordinate(n)
            }
        }
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` (and drops control characters XML does not allow).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func attributes(_ pairs: KeyValuePairs<String, Value>) -> String {
        pairs.map { " \($0.key)=\"\($0.value.rendered)\"" }.joined()
    }

    /// An empty element (`<rect … />`), with an optional tooltip (`<title>`).
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, Value>, tooltip: String? = nil) {
        if let tooltip {
            body.append("<\(name)\(Self.attributes(attributes))><title>\(Self.escape(tooltip))</title></\(name)>")
        } else {
            body.append("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    /// A `<text>` element.
    public mutating func text(_ content: String, _ attributes: KeyValuePairs<String, Value>) {
        body.append("<text\(Self.attributes(attributes))>\(Self.escape(content))</text>")
    }

    /// Opens a `<g>`; close it with ``endGroup()``.
    public mutating func beginGroup(_ attributes: KeyValuePairs<String, Value>) {
        body.append("<g\(Self.attributes(attributes))>")
        open.append("g")
    }

    public mutating func endGroup() {
        if open.popLast() != nil { body.append("</g>") }
    }

    /// Points as an SVG `points` attribute value.
    public static func points(_ xy: [(Double, Double)]) -> String {
        xy.map { ChartNumber.coordinate($0.0) + "," + ChartNumber.coordinate($0.1) }.joined(separator: " ")
    }

    /// The `<svg>` element (groups left open are closed). `standalone` adds the XML declaration
    /// for a `.svg` file.
    public func rendered(standalone: Bool = false) -> String {
        var lines: [String] = []
        if standalone { lines.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") }
        lines.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(Self.escape(name))\" data-chart=\"\(Self.escape(name))\""
                     + " width=\"\(ChartNumber.coordinate(width))\" height=\"\(ChartNumber.coordinate(height))\""
                     + " viewBox=\"0 0 \(ChartNumber.coordinate(width)) \(ChartNumber.coordinate(height))\""
                     + " font-family=\"sans-serif\" font-size=\"12\" role=\"img\">")
        lines.append("<title>\(Self.escape(title))</title>")
        lines.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(ChartNumber.coordinate(width))\" height=\"\(ChartNumber.coordinate(height))\" fill=\"#ffffff\"/>")
        lines += body
        lines += open.map { _ in "</g>" }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
