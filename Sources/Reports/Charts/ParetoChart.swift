/// Latency against energy, one point per result, with the Pareto front (the results no other
/// result beats on both) marked and joined by a staircase.
public enum ParetoChart {
    public static func chart(_ rows: [ReportRow]) -> ReportChart {
        let heading = "Latency vs energy (Pareto front)"
        let usable = rows.indices.filter { rows[$0].latency > 0 && rows[$0].energy > 0 }
        guard !usable.isEmpty else {
            return .omitted("pareto", heading, because: "Omitted: no result has a positive latency and energy.")
        }
        let front = Set(ParetoFront.indices(usable.map { (x: rows[$0].latency, y: rows[$0].energy) }).map { usable[$0] })
        let lat = usable.map { rows[$0].latency }, en = usable.map { rows[$0].energy }
        func kind(_ v: [Double]) -> Scale.Kind { (v.max() ?? 1) / max(v.min() ?? 1, .leastNormalMagnitude) > 20 ? .log : .linear }
        let width = 900.0
        let variants = Array(Set(usable.map { rows[$0].variant })).sorted()
        let legendRows = min(variants.count, 10) + 1
        let height = 470 + Double(legendRows) * 18 + 10
        let x = Scale.nice(kind(lat), values: lat, start: 100, end: width - 30)
        let y = Scale.nice(kind(en), values: en, start: 420, end: 20)
        let frame = ChartFrame(x: x, y: y, xLabel: "latency (s)", yLabel: "energy (J)")
        var svg = SVGDocument(name: "pareto", title: heading, width: width, height: height)
        frame.draw(into: &svg, xTick: { ChartNumber.si($0, "s") }, yTick: { ChartNumber.si($0, "J") })
        let stairs = front.sorted { rows[$0].latency < rows[$1].latency || (rows[$0].latency == rows[$1].latency && rows[$0].energy > rows[$1].energy) }
        var xy: [(Double, Double)] = []
        for (k, i) in stairs.enumerated() {
            let px = x.position(rows[i].latency), py = y.position(rows[i].energy)
            if k > 0, let last = xy.last { xy.append((px, last.1)) }
            xy.append((px, py))
        }
        svg.element("polyline", ["class": "front", "points": .text(SVGDocument.points(xy)), "fill": "none", "stroke": "#d62728", "stroke-width": 2])
        svg.beginGroup(["class": "points", "stroke-width": 1])
        for i in usable {
            let r = rows[i], on = front.contains(i)
            svg.element("circle", ["class": "point", "data-row": .number(Double(i)), "data-front": on ? "1" : "0",
                                   "cx": .number(x.position(r.latency)), "cy": .number(y.position(r.energy)), "r": on ? 6 : 4.5,
                                   "fill": .text(Palette.color(variants.firstIndex(of: r.variant) ?? 0)), "fill-opacity": 0.85,
                                   "stroke": on ? "#d62728" : "#333333", "stroke-width": on ? 2 : 0.8],
                        tooltip: "\(r.label): \(ChartNumber.si(r.latency, "s")), \(ChartNumber.si(r.energy, "J"))\(on ? " (Pareto front)" : "")")
        }
        svg.endGroup()
        if front.count <= 8 {
            let labels = ReportRow.shortLabels(rows)
            for i in stairs {
                let r = rows[i]
                svg.text(String(labels[i].prefix(48)), ["class": "front-label", "x": .number(x.position(r.latency) + 8), "y": .number(y.position(r.energy) - 8),
                                                     "fill": "#8b1a1a", "font-size": 10.5])
            }
        }
        svg.endGroup()  // plot
        var entries = variants.prefix(10).enumerated().map { (Palette.color($0.offset), $0.element) }
        entries.append(("#d62728", "Pareto front: \(front.count) of \(usable.count) results"))
        Legend.draw(entries, into: &svg, x: 100, y: 470)
        var note = "\(usable.count) results; \(front.count) on the front (no other result has both lower latency and lower energy)."
        if usable.count < rows.count { note += " \(rows.count - usable.count) results without a positive latency and energy are not drawn." }
        if x.kind == .log || y.kind == .log { note += " Axes spanning more than 20× are logarithmic." }
        return ReportChart(name: "pareto", heading: heading, svg: svg, note: note)
    }
}
