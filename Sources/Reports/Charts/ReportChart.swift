/// One chart of a report: drawn (its SVG and a caption) or omitted, with the reason.
public struct ReportChart: Sendable {
    /// File-name-safe name (`roofline`, `energy`, `heatmap-1`, …).
    public var name: String
    public var heading: String
    /// The picture; nil when the chart does not apply to the input.
    public var svg: SVGDocument?
    /// A caption under the chart, or why it was omitted.
    public var note: String

    public init(name: String, heading: String, svg: SVGDocument?, note: String) {
        self.name = name; self.heading = heading; self.svg = svg; self.note = note
    }

    public static func omitted(_ name: String, _ heading: String, because reason: String) -> ReportChart {
        ReportChart(name: name, heading: heading, svg: nil, note: reason)
    }
}

/// The non-dominated points when both coordinates are minimized (ties kept: equal points are all on the front).
public enum ParetoFront {
    public static func indices(_ points: [(x: Double, y: Double)]) -> [Int] {
        let order = points.indices.sorted { a, b in
            points[a].x != points[b].x ? points[a].x < points[b].x : points[a].y != points[b].y ? points[a].y < points[b].y : a < b
        }
        var front: [Int] = []
        var bestY = Double.infinity, bestX = Double.nan
        for i in order {
            let p = points[i]
            if p.y < bestY { front.append(i); bestY = p.y; bestX = p.x }
            else if p.y == bestY && p.x == bestX { front.append(i) }
        }
        return front.sorted()
    }
}
