/// Horizontal stacked bars, one per result: each segment a named part (an Einsum's seconds, a
/// unit's joules, a level's bytes), its width proportional to the value on one linear axis.
public enum BreakdownChart {
    /// One bar: its label, its parts, and an optional marker (the result's latency).
    public struct Bar: Sendable {
        public var row: Int
        public var label: String
        public var parts: [ReportRow.Part]
        public var marker: Double?
    }

    /// At most this many bars per chart (more rows: the Pareto-front ones, see ``selectRows(_:)``).
    public static let maximumBars = 24

    /// The rows the breakdown charts draw, and a sentence saying which when not all.
    public static func selectRows(_ rows: [ReportRow]) -> (indices: [Int], note: String?) {
        guard rows.count > maximumBars else { return (Array(rows.indices), nil) }
        let front = ParetoFront.indices(rows.map { (x: $0.latency, y: $0.energy) })
            .sorted { rows[$0].latency < rows[$1].latency || (rows[$0].latency == rows[$1].latency && $0 < $1) }
        var chosen = Array(front.prefix(maximumBars))
        if front.count > maximumBars {
            chosen = (0..<maximumBars).map { front[$0 * (front.count - 1) / (maximumBars - 1)] }
        }
        // A small front is filled with results spread evenly over the input.
        let onFront = chosen.count
        let rest = rows.indices.filter { !chosen.contains($0) }
        let fill = maximumBars - chosen.count
        if fill > 0, !rest.isEmpty {
            let picks = fill >= rest.count ? rest : (0..<fill).map { rest[$0 * (rest.count - 1) / max(1, fill - 1)] }
            chosen += picks.filter { !chosen.contains($0) }
        }
        let what = front.count > maximumBars
            ? "\(onFront) of the \(front.count) results on the latency-energy Pareto front, evenly spread"
            : "the \(onFront) result\(onFront == 1 ? "" : "s") on the latency-energy Pareto front first, then \(chosen.count - onFront) others spread evenly over the input"
        return (chosen, "Bars show \(what) (\(chosen.count) of \(rows.count) results).")
    }

    /// The chart, or nil when no bar has a positive part.
    public static func svg(name: String, title: String, bars: [Bar], unit: String, markerLabel: String? = nil) -> SVGDocument? {
        let bars = bars.filter { $0.parts.contains { $0.value > 0 } }
        guard !bars.isEmpty else { return nil }
        let keys = Array(Set(bars.flatMap { $0.parts.filter { $0.value > 0 }.map(\.name) })).sorted()
        let width = 900.0, labelWidth = 300.0, barHeight = 16.0, gap = 6.0
        let legendColumns = 3, legendRows = (keys.count + legendColumns - 1) / legendColumns
        let top = 14.0 + Double(legendRows) * 18 + 8
        let plotBottom = top + Double(bars.count) * (barHeight + gap)
        let height = plotBottom + 50
        let totals = bars.map { b in max(b.parts.reduce(0) { $0 + max(0, $1.value) }, b.marker ?? 0) }
        let x = Scale.nice(.linear, values: totals, start: labelWidth, end: width - 30, fromZero: true)
        let y = Scale(kind: .linear, domain: 0...Double(max(1, bars.count)), start: top, end: plotBottom)
        var svg = SVGDocument(name: name, title: title, width: width, height: height)
        Legend.draw(keys.enumerated().map { (Palette.color($0.offset), $0.element) }, into: &svg, x: labelWidth, y: 10, columns: legendColumns, columnWidth: 190)
        let frame = ChartFrame(x: x, y: y, xLabel: unit, yLabel: "")
        svg.beginGroup(["class": "axes", "stroke": "#444444"])
        for t in x.ticks {
            let px = x.position(t)
            svg.element("line", ["class": "grid", "x1": .number(px), "y1": .number(top), "x2": .number(px), "y2": .number(plotBottom), "stroke": "#e3e3e3"])
            svg.text(ChartNumber.si(t, unitSymbol(unit)), ["class": "tick", "x": .number(px), "y": .number(plotBottom + 16), "text-anchor": "middle", "stroke": "none", "fill": "#333333"])
        }
        svg.text(unit, ["class": "axis-label", "x": .number((labelWidth + width - 30) / 2), "y": .number(plotBottom + 38), "text-anchor": "middle", "stroke": "none", "fill": "#222222"])
        svg.element("line", ["x1": .number(labelWidth), "y1": .number(top), "x2": .number(labelWidth), "y2": .number(plotBottom)])
        svg.endGroup()
        let xa = ChartFrame.attribute(frame.x)
        svg.beginGroup(["class": "plot", "data-x-scale": .text(xa.kind), "data-x-domain": .text(xa.domain), "data-x-range": .text(xa.range)])
        for (i, bar) in bars.enumerated() {
            let by = top + Double(i) * (barHeight + gap) + gap / 2
            svg.beginGroup(["class": "bar", "data-row": .number(Double(bar.row))])
            svg.text(String(bar.label.prefix(52)) + (bar.label.count > 52 ? "…" : ""),
                     ["class": "bar-label", "x": .number(labelWidth - 8), "y": .number(by + 12), "text-anchor": "end", "fill": "#222222", "font-size": 11])
            var at = 0.0
            for part in bar.parts where part.value > 0 {
                let x0 = x.position(at), x1 = x.position(at + part.value)
                svg.element("rect", ["class": "segment", "data-key": .text(part.name), "data-value": .text("\(part.value)"),
                                     "x": .number(x0), "y": .number(by), "width": .number(x1 - x0), "height": .number(barHeight),
                                     "fill": .text(Palette.color(keys.firstIndex(of: part.name) ?? 0))],
                            tooltip: "\(bar.label) — \(part.name): \(ChartNumber.si(part.value, unitSymbol(unit)))")
                at += part.value
            }
            if let m = bar.marker, m > 0 {
                let px = x.position(m)
                svg.element("line", ["class": "marker", "x1": .number(px), "y1": .number(by - 2), "x2": .number(px), "y2": .number(by + barHeight + 2),
                                     "stroke": "#000000", "stroke-width": 2], tooltip: "\(markerLabel ?? "total"): \(ChartNumber.si(m, unitSymbol(unit)))")
            }
            svg.endGroup()
        }
        svg.endGroup()
        return svg
    }

    /// `s` from `time (s)`.
    static func unitSymbol(_ axis: String) -> String {
        guard let open = axis.lastIndex(of: "("), let close = axis.lastIndex(of: ")"), open < close else { return "" }
        return String(axis[axis.index(after: open)..<close])
    }

    /// Sums parts with the same name, keeping the first appearance's order.
    static func merged(_ parts: [ReportRow.Part]) -> [ReportRow.Part] {
        var out: [ReportRow.Part] = []
        for p in parts {
            if let i = out.firstIndex(where: { $0.name == p.name }) { out[i].value += p.value } else { out.append(p) }
        }
        return out
    }

    /// The breakdown charts of `rows`: latency by Einsum (or by fused group), time by unit and
    /// memory level, energy by unit and memory level, traffic by memory level.
    public static func charts(_ rows: [ReportRow]) -> [ReportChart] {
        let (selected, selection) = selectRows(rows)
        let labels = ReportRow.shortLabels(rows)
        let bars = BarSource(rows: rows, selected: selected, labels: labels)
        let omittedCSV = " (CSV carries totals only: write --format json or jsonl)."
        let latency = chart("latency-by-einsum", "Latency by Einsum", bars: bars.bars({ merged($0.einsums.map { .init(name: $0.name, value: $0.seconds) }) }, marker: \.latency),
                            unit: "time (s)", marker: "latency", selection: selection,
                            note: "Each Einsum's time on its unit; Einsums that overlap in a pipeline make a bar longer than the latency (black mark).")
            ?? chart("latency-by-group", "Latency by fused group (kernel)", title: "Latency by fused group",
                     bars: bars.bars({ merged($0.groups.map { .init(name: $0.name, value: $0.seconds) }) }, marker: \.latency), unit: "time (s)", marker: "latency",
                     selection: selection, note: "No result has per-Einsum times (GPU kernels fuse the Einsums), so the bars split the latency by kernel.")
            ?? .omitted("latency-by-einsum", "Latency by Einsum", because: "Omitted: no result has per-Einsum or per-kernel times" + omittedCSV)
        let unitParts: (ReportRow) -> [ReportRow.Part] = { r in r.einsums.isEmpty ? r.resourceSeconds : merged(r.einsums.map { .init(name: $0.unit, value: $0.seconds) }) }
        let units = chart("latency-by-unit", "Time by unit and memory level", bars: bars.bars(unitParts, marker: \.latency), unit: "time (s)", marker: "latency",
                          selection: selection,
                          note: "Busy time of each unit (its Einsums summed), or for GPU kernels the time each resource alone would take; they overlap, so the black mark is the latency.")
            ?? .omitted("latency-by-unit", "Time by unit and memory level", because: "Omitted: no result has per-unit or per-resource times" + omittedCSV)
        let energy = chart("energy", "Energy by unit and memory level", bars: bars.bars({ [.init(name: "static", value: $0.staticEnergy)] + $0.energyParts }, marker: \.energy),
                           unit: "energy (J)", marker: "energy", selection: selection,
                           note: "Static energy (idle power × latency) and each unit's and memory level's dynamic energy as the engine breaks it down; the black mark is the result's energy.")
            ?? .omitted("energy", "Energy by unit and memory level", because: "Omitted: no result has an energy breakdown" + omittedCSV)
        let traffic = chart("traffic", "Traffic by memory level", bars: bars.bars(\.bytesPerLevel, marker: { _ in nil }), unit: "bytes moved (B)", marker: nil,
                            selection: selection, note: "Bytes moved at each storage level.")
            ?? .omitted("traffic", "Traffic by memory level", because: "Omitted: no result has bytes per memory level" + omittedCSV)
        return [latency, units, energy, traffic]
    }

    /// The selected rows' bars of one breakdown.
    struct BarSource {
        let rows: [ReportRow], selected: [Int], labels: [String]

        func bars(_ parts: (ReportRow) -> [ReportRow.Part], marker: (ReportRow) -> Double?) -> [Bar] {
            selected.map { i in Bar(row: i, label: labels[i], parts: parts(rows[i]), marker: marker(rows[i])) }
        }
    }

    /// One breakdown chart, or nil when no bar has a part to draw.
    static func chart(_ name: String, _ heading: String, title: String? = nil, bars: [Bar], unit: String, marker: String?,
                      selection: String?, note: String) -> ReportChart? {
        guard let svg = svg(name: name, title: title ?? heading, bars: bars, unit: unit, markerLabel: marker) else { return nil }
        return ReportChart(name: name, heading: heading, svg: svg, note: selection.map { note + " " + $0 } ?? note)
    }
}
