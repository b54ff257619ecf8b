import Foundation

/// Attainable FLOP/s against operational intensity (FLOPs per DRAM byte), log-log: the machines'
/// roofs (peak matrix FLOP/s, each storage level's bandwidth) and every result's fused groups.
public enum RooflineChart {
    /// A machine's roofs as the results report them.
    struct Roofs: Hashable {
        var hardware: String
        var peak: Double
        var bandwidths: [ReportRow.Part]
        /// The main memory's name: the level whose bytes are the result's DRAM bytes.
        var mainName: String?
        /// The main memory (else the slowest level, the in-bank bandwidth of PIM aside).
        var main: ReportRow.Part? {
            if let m = bandwidths.first(where: { $0.name == mainName && $0.value > 0 }) { return m }
            return bandwidths.filter { !$0.name.contains("in-bank") && $0.value > 0 }.min { $0.value < $1.value || ($0.value == $1.value && $0.name < $1.name) }
        }
    }

    /// A fused group placed on the chart.
    struct Point {
        var row: Int
        var group: String
        var intensity: Double
        var rate: Double
        var roofs: Int
    }

    static let maximumRoofs = 8

    public static func chart(_ rows: [ReportRow]) -> ReportChart {
        let heading = "Roofline: attainable FLOP/s vs operational intensity"
        var roofs: [Roofs] = []
        var roofOf: [Int] = []
        for r in rows {
            let main = r.bytesPerLevel.filter { $0.value == r.dramBytes }.map(\.name).sorted().first
            let key = Roofs(hardware: r.hardware, peak: r.peakFLOPS, bandwidths: r.bandwidths.sorted { $0.name < $1.name }, mainName: main)
            if key.peak > 0, let i = roofs.firstIndex(of: key) { roofOf.append(i) }
            else if key.peak > 0 { roofs.append(key); roofOf.append(roofs.count - 1) }
            else { roofOf.append(-1) }
        }
        var points: [Point] = []
        var unplaced = 0, wholeResults = 0
        for (i, r) in rows.enumerated() {
            let placeable = r.groups.filter { $0.flops > 0 && $0.dramBytes > 0 && $0.seconds > 0 }
            unplaced += r.groups.count - placeable.count
            if placeable.isEmpty, r.flops > 0, r.dramBytes > 0, r.latency > 0 {
                wholeResults += 1
                points.append(Point(row: i, group: "whole result", intensity: r.flops / r.dramBytes, rate: r.flops / r.latency, roofs: roofOf[i]))
            }
            for g in placeable {
                points.append(Point(row: i, group: g.name, intensity: g.flops / g.dramBytes, rate: g.flops / g.seconds, roofs: roofOf[i]))
            }
        }
        guard !points.isEmpty else {
            return .omitted("roofline", heading, because: "Omitted: no result carries FLOPs and DRAM bytes (per fused group or in total) to place on a roofline.")
        }
        let drawn = Array(roofs.prefix(maximumRoofs))
        let single = drawn.count == 1
        // Levels drawn per machine: all of one machine's levels; only the main memory when several machines share the chart.
        let lines: [(roofs: Int, level: ReportRow.Part, main: Bool)] = drawn.enumerated().flatMap { i, m -> [(roofs: Int, level: ReportRow.Part, main: Bool)] in
            let main = m.main
            let levels = single ? m.bandwidths.filter { $0.value > 0 } : main.map { [$0] } ?? []
            return levels.map { (roofs: i, level: $0, main: $0 == main) }
        }
        var xs = points.map(\.intensity), ys = points.map(\.rate)
        for l in lines { xs.append(drawn[l.roofs].peak / l.level.value) }
        for m in drawn { ys.append(m.peak) }
        let legendRows = single ? Set(points.map { rows[$0.row].variant }).count : drawn.count + (points.contains { $0.roofs < 0 || $0.roofs >= drawn.count } ? 1 : 0)
        let width = 900.0, legendHeight = Double(min(legendRows, 12)) * 18 + 10
        let height = 480 + legendHeight
        let xScale = Scale.nice(.log, values: xs.map { $0 / 2 } + xs.map { $0 * 2 }, start: 110, end: width - 30)
        let yScale = Scale.nice(.log, values: ys + ys.map { $0 * 1.5 }, start: 420, end: 20)
        let frame = ChartFrame(x: xScale, y: yScale, xLabel: "operational intensity (FLOP per DRAM byte)", yLabel: "attainable FLOP/s")
        var svg = SVGDocument(name: "roofline", title: heading, width: width, height: height)
        frame.draw(into: &svg, xTick: { ChartNumber.plain($0) }, yTick: { ChartNumber.si($0, "FLOP/s") })
        svg.beginGroup(["class": "roofs", "fill": "none", "stroke-width": 2])
        let lo = xScale.domain.lowerBound, hi = xScale.domain.upperBound, floorY = yScale.domain.lowerBound
        for l in lines {
            let m = drawn[l.roofs]
            let ridge = m.peak / l.level.value
            let start = max(lo, floorY / l.level.value)
            var xy: [(Double, Double)] = [(start, min(m.peak, l.level.value * start))]
            if ridge > start && ridge < hi { xy.append((ridge, m.peak)) }
            xy.append((hi, min(m.peak, l.level.value * hi)))
            let color = single ? "#222222" : Palette.color(l.roofs)
            let tip = "\(m.hardware): \(l.level.name) \(ChartNumber.si(l.level.value, "B/s")), peak \(ChartNumber.si(m.peak, "FLOP/s"))"
            svg.element("polyline", ["class": "roof", "data-level": .text(l.level.name), "data-bandwidth": .text("\(l.level.value)"),
                                     "data-peak": .text("\(m.peak)"),
                                     "points": .text(SVGDocument.points(xy.map { (xScale.position($0.0), yScale.position($0.1)) })),
                                     "stroke": .text(color), "stroke-dasharray": l.main ? "none" : "6 4"], tooltip: tip)
            if single || l.main {
                let lx = max(start, lo) * 1.15
                let angle = atan2(yScale.position(l.level.value * lx * 10) - yScale.position(l.level.value * lx),
                                  xScale.position(lx * 10) - xScale.position(lx)) * 180 / Double.pi
                let px = xScale.position(lx), py = yScale.position(min(m.peak, l.level.value * lx)) - 6
                if l.level.value * lx < m.peak {
                    svg.text("\(l.level.name) \(ChartNumber.si(l.level.value, "B/s"))",
                             ["class": "roof-label", "x": .number(px), "y": .number(py), "fill": .text(color), "stroke": "none", "font-size": 11,
                              "transform": .text("rotate(\(ChartNumber.coordinate(angle)) \(ChartNumber.coordinate(px)) \(ChartNumber.coordinate(py)))")])
                }
            }
        }
        var labelled = Set<Double>()
        for (i, m) in drawn.enumerated() where labelled.insert(m.peak).inserted {
            svg.text("peak \(ChartNumber.si(m.peak, "FLOP/s"))", ["class": "roof-label", "x": .number(width - 34), "y": .number(yScale.position(m.peak) - 6),
                                                                "text-anchor": "end", "fill": .text(single ? "#222222" : Palette.color(i)), "stroke": "none", "font-size": 11])
        }
        svg.endGroup()
        let variants = Array(Set(points.map { rows[$0.row].variant })).sorted()
        svg.beginGroup(["class": "points", "stroke": "#222222", "stroke-width": 0.8])
        for p in points {
            let color = single ? Palette.color(variants.firstIndex(of: rows[p.row].variant) ?? 0)
                               : p.roofs >= 0 && p.roofs < drawn.count ? Palette.color(p.roofs) : "#999999"
            svg.element("circle", ["class": "point", "data-row": .number(Double(p.row)), "data-group": .text(p.group),
                                   "cx": .number(xScale.position(p.intensity)), "cy": .number(yScale.position(p.rate)), "r": 5,
                                   "fill": .text(color), "fill-opacity": 0.85],
                        tooltip: "\(rows[p.row].label) — \(p.group): \(ChartNumber.plain(p.intensity)) FLOP/B, \(ChartNumber.si(p.rate, "FLOP/s"))")
        }
        svg.endGroup()
        svg.endGroup()  // plot
        // Legend.
        var entries: [(String, String)] = []
        if single {
            entries = variants.enumerated().map { (Palette.color($0.offset), $0.element) }
        } else {
            entries = drawn.enumerated().map { i, m in
                (Palette.color(i), "\(m.hardware): \(m.bandwidths.map { "\($0.name) \(ChartNumber.si($0.value, "B/s"))" }.joined(separator: ", ")), peak \(ChartNumber.si(m.peak, "FLOP/s"))")
            }
            if points.contains(where: { $0.roofs < 0 || $0.roofs >= drawn.count }) { entries.append(("#999999", "machines whose roofs are not drawn")) }
        }
        Legend.draw(entries.prefix(12).map { $0 }, into: &svg, x: 110, y: 470)
        var notes = ["Each point is a fused group (a GPU kernel, a spatial array's group of Einsums): its matrix FLOPs over its DRAM bytes, and over its time."]
        if single, let m = drawn.first {
            notes.append("Roofs of \(m.hardware): peak \(ChartNumber.si(m.peak, "FLOP/s")) and " +
                         m.bandwidths.map { "\($0.name) \(ChartNumber.si($0.value, "B/s"))" }.joined(separator: ", ") + " (dashed: on-chip levels).")
        }
        if roofs.isEmpty { notes.append("No roofs drawn: the results do not state the machine's peak FLOP/s and bandwidths (peak_flops_per_s, bandwidth_bytes_per_s).") }
        if roofs.count > drawn.count { notes.append("\(roofs.count - drawn.count) more machines' roofs are not drawn (their points are gray).") }
        if wholeResults > 0 { notes.append("\(wholeResults) results without per-group FLOPs are placed as a whole.") }
        if unplaced > 0 { notes.append("\(unplaced) groups without matrix FLOPs or DRAM traffic are not placed.") }
        return ReportChart(name: "roofline", heading: heading, svg: svg, note: notes.joined(separator: " "))
    }
}

/// A column of color swatches with labels.
enum Legend {
    static func draw(_ entries: [(color: String, label: String)], into svg: inout SVGDocument, x: Double, y: Double, columns: Int = 1, columnWidth: Double = 420) {
        svg.beginGroup(["class": "legend"])
        for (i, e) in entries.enumerated() {
            let cx = x + Double(i % columns) * columnWidth, cy = y + Double(i / columns) * 18
            svg.element("rect", ["class": "swatch", "x": .number(cx), "y": .number(cy), "width": 12, "height": 12, "fill": .text(e.color)])
            svg.text(String(e.label.prefix(110)), ["x": .number(cx + 18), "y": .number(cy + 10.5), "fill": "#222222", "font-size": 11.5])
        }
        svg.endGroup()
    }
}
