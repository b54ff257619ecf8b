import Foundation

/// The plot area of an x-y chart: its two scales, and the axes, grid, ticks and labels drawn
/// around it. The plot group carries each scale as data attributes (`data-x-scale`,
/// `data-x-domain`, `data-x-range`, same for y) so a reader can map positions back to values.
public struct ChartFrame: Sendable {
    public var x: Scale
    public var y: Scale
    public var xLabel: String
    public var yLabel: String

    public init(x: Scale, y: Scale, xLabel: String, yLabel: String) {
        self.x = x; self.y = y; self.xLabel = xLabel; self.yLabel = yLabel
    }

    /// The left, top, right and bottom pixel edges of the plot area.
    public var left: Double { min(x.start, x.end) }
    public var right: Double { max(x.start, x.end) }
    public var top: Double { min(y.start, y.end) }
    public var bottom: Double { max(y.start, y.end) }

    static func attribute(_ s: Scale) -> (kind: String, domain: String, range: String) {
        (s.kind.rawValue, "\(s.domain.lowerBound) \(s.domain.upperBound)", "\(s.start) \(s.end)")
    }

    /// Draws the grid, axes, ticks and labels, then opens the plot group (close it with
    /// `svg.endGroup()` after drawing the data).
    public func draw(into svg: inout SVGDocument, xTick: (Double) -> String, yTick: (Double) -> String) {
        svg.beginGroup(["class": "axes", "stroke": "#444444", "stroke-width": 1])
        for t in x.ticks {
            let px = x.position(t)
            svg.element("line", ["class": "grid", "x1": .number(px), "y1": .number(top), "x2": .number(px), "y2": .number(bottom), "stroke": "#e3e3e3"])
            svg.element("line", ["x1": .number(px), "y1": .number(bottom), "x2": .number(px), "y2": .number(bottom + 5)])
            svg.text(xTick(t), ["class": "tick", "x": .number(px), "y": .number(bottom + 18), "text-anchor": "middle", "stroke": "none", "fill": "#333333"])
        }
        for t in y.ticks {
            let py = y.position(t)
            svg.element("line", ["class": "grid", "x1": .number(left), "y1": .number(py), "x2": .number(right), "y2": .number(py), "stroke": "#e3e3e3"])
            svg.element("line", ["x1": .number(left - 5), "y1": .number(py), "x2": .number(left), "y2": .number(py)])
            svg.text(yTick(t), ["class": "tick", "x": .number(left - 8), "y": .number(py + 4), "text-anchor": "end", "stroke": "none", "fill": "#333333"])
        }
        svg.element("rect", ["class": "frame", "x": .number(left), "y": .number(top), "width": .number(right - left), "height": .number(bottom - top), "fill": "none"])
        svg.text(xLabel, ["class": "axis-label", "x": .number((left + right) / 2), "y": .number(bottom + 40), "text-anchor": "middle", "stroke": "none", "fill": "#222222"])
        let ly = (top + bottom) / 2
        svg.text(yLabel, ["class": "axis-label", "x": .number(18), "y": .number(ly), "text-anchor": "middle", "stroke": "none", "fill": "#222222",
                          "transform": .text("rotate(-90 18 \(ChartNumber.coordinate(ly)))")])
        svg.endGroup()
        let xa = Self.attribute(x), ya = Self.attribute(y)
        svg.beginGroup(["class": "plot", "data-x-scale": .text(xa.kind), "data-x-domain": .text(xa.domain), "data-x-range": .text(xa.range),
                        "data-y-scale": .text(ya.kind), "data-y-domain": .text(ya.domain), "data-y-range": .text(ya.range)])
    }
}

/// Category colors (Tableau 10, then 10 lighter ones), assigned by a key's index in a sorted list.
public enum Palette {
    public static let colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
                                "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894", "#86bcb6", "#d37295", "#fabfd2", "#79706e", "#d4a6c8"]

    /// The color of the `index`-th key (cycling past twenty).
    public static func color(_ index: Int) -> String { colors[((index % colors.count) + colors.count) % colors.count] }

    /// A blue (above 1) / white (1) / red (below 1) ramp for ratios, saturating at `limit`× either way.
    public static func diverging(_ ratio: Double, limit: Double) -> String {
        guard ratio.isFinite, ratio > 0, limit > 1 else { return "#ffffff" }
        let t = max(-1, min(1, log(ratio) / log(limit)))
        let (r, g, b): (Double, Double, Double) = t >= 0 ? (255 - t * (255 - 33), 255 - t * (255 - 102), 255 - t * (255 - 172))
                                                         : (255 + t * (255 - 178), 255 + t * (255 - 24), 255 + t * (255 - 43))
        func hex(_ v: Double) -> String {
            let n = Int(max(0, min(255, v.rounded())))
            let digits = Array("0123456789abcdef")
            return String(digits[n / 16]) + String(digits[n % 16])
        }
        return "#" + hex(r) + hex(g) + hex(b)
    }
}
