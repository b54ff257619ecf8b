import Foundation

/// Speedup over two swept parameters: a grid of cells, one per pair of values, colored by the
/// latency of the panel's first cell (both parameters at their first value) over the cell's.
///
/// The two axes are the swept parameters with the most values (the faster-varying one across);
/// each panel holds the results of one (hardware, variant) slot of a point at fixed values of
/// the other parameters.
public enum HeatmapChart {
    /// At most this many panels (one chart each).
    public static let maximumPanels = 6

    /// A swept parameter: its name and values in grid order.
    struct Axis {
        var name: String
        var values: [String]
    }

    public static func charts(_ rows: [ReportRow]) -> [ReportChart] {
        let heading = "Speedup heatmap"
        let swept = rows.indices.filter { rows[$0].point != nil && !rows[$0].sweep.isEmpty }
            .sorted { (rows[$0].point ?? 0, $0) < (rows[$1].point ?? 0, $1) }
        guard !swept.isEmpty else {
            return [.omitted("heatmap", heading, because: "Omitted: the results are not a sweep (no swept parameters); run einsim sweep with two or more parameters.")]
        }
        // Parameters in grid order: the outer ones change least often along the points.
        var names: [String] = []
        for i in swept { for v in rows[i].sweep where !names.contains(v.name) { names.append(v.name) } }
        var axes: [Axis] = [], changes: [String: Int] = [:]
        for name in names {
            var values: [String] = [], last: String?, count = 0
            for i in swept {
                let v = rows[i].sweep.first { $0.name == name }?.text ?? "–"
                if !values.contains(v) { values.append(v) }
                if v != last { count += 1; last = v }
            }
            axes.append(Axis(name: name, values: values)); changes[name] = count
        }
        axes.sort { (changes[$0.name] ?? 0, $0.name) < (changes[$1.name] ?? 0, $1.name) }
        let varied = axes.filter { $0.values.count > 1 }
        guard varied.count >= 2 else {
            return [.omitted("heatmap", heading, because: "Omitted: the sweep varies \(varied.count) parameter\(varied.count == 1 ? "" : "s") (\(varied.map(\.name).joined(separator: ", "))); a heatmap needs two.")]
        }
        let chosen = varied.enumerated().sorted { ($1.element.values.count, $0.offset) < ($0.element.values.count, $1.offset) }.prefix(2).map(\.element)
        // Outer (fewer changes) down, inner across.
        let pair = chosen.sorted { (changes[$0.name] ?? 0) < (changes[$1.name] ?? 0) }
        let yAxis = pair[0], xAxis = pair[1]
        let others = varied.map(\.name).filter { $0 != xAxis.name && $0 != yAxis.name }
        // Panels: the slot of a row within its point, and the other parameters' values.
        var slot: [Int: Int] = [:], seen: [Int: Int] = [:]
        for i in swept {
            let p = rows[i].point ?? 0
            slot[i] = seen[p, default: 0]; seen[p, default: 0] += 1
        }
        func value(_ i: Int, _ name: String) -> String { rows[i].sweep.first { $0.name == name }?.text ?? "–" }
        var panelKeys: [String] = [], panels: [String: [Int]] = [:]
        for i in swept {
            let key = "\(slot[i] ?? 0)|" + others.map { "\($0)=\(value(i, $0))" }.joined(separator: " ")
            if panels[key] == nil { panelKeys.append(key) }
            panels[key, default: []].append(i)
        }
        var charts: [ReportChart] = []
        for (n, key) in panelKeys.prefix(maximumPanels).enumerated() {
            let members = panels[key] ?? []
            charts.append(panel(rows, members: members, x: xAxis, y: yAxis, others: others, index: n + 1))
        }
        if panelKeys.count > maximumPanels, var last = charts.popLast() {
            last.note += " \(panelKeys.count - maximumPanels) more panels (other values of \(others.joined(separator: ", ")) or other hardware and variants) are not drawn."
            charts.append(last)
        }
        return charts
    }

    static func panel(_ rows: [ReportRow], members: [Int], x: Axis, y: Axis, others: [String], index: Int) -> ReportChart {
        func value(_ i: Int, _ name: String) -> String { rows[i].sweep.first { $0.name == name }?.text ?? "–" }
        var cell: [String: Int] = [:]
        for i in members where cell["\(value(i, x.name))|\(value(i, y.name))"] == nil { cell["\(value(i, x.name))|\(value(i, y.name))"] = i }
        let baseline = cell["\(x.values[0])|\(y.values[0])"].map { rows[$0].latency }
        let first = rows[members[0]]
        var subtitle = "\(first.hardware) · \(first.variant)"
        if !others.isEmpty { subtitle += " · " + others.map { "\($0)=\(value(members[0], $0))" }.joined(separator: " ") }
        let ratios = members.compactMap { i -> Double? in
            guard let b = baseline, rows[i].latency > 0 else { return nil }
            return b / rows[i].latency
        }
        let limit = max(2, ratios.map { max($0, 1 / $0) }.max() ?? 2)
        let cellW = min(90, max(44, 760 / Double(x.values.count))), cellH = min(40, max(22, 420 / Double(y.values.count)))
        let left = 170.0, top = 40.0
        let width = max(560, left + cellW * Double(x.values.count) + 30), height = top + cellH * Double(y.values.count) + 70
        var svg = SVGDocument(name: "heatmap-\(index)", title: "Speedup over \(x.name) and \(y.name): \(subtitle)", width: width, height: height)
        svg.text(subtitle, ["class": "subtitle", "x": .number(left), "y": 20, "fill": "#222222", "font-size": 12.5])
        svg.beginGroup(["class": "plot", "data-x-parameter": .text(x.name), "data-y-parameter": .text(y.name),
                        "data-columns": .number(Double(x.values.count)), "data-rows": .number(Double(y.values.count))])
        for (r, yv) in y.values.enumerated() {
            for (c, xv) in x.values.enumerated() {
                let px = left + Double(c) * cellW, py = top + Double(r) * cellH
                if let i = cell["\(xv)|\(yv)"], let b = baseline, rows[i].latency > 0 {
                    let s = b / rows[i].latency
                    svg.element("rect", ["class": "cell", "data-row": .number(Double(i)), "data-x": .text(xv), "data-y": .text(yv), "data-speedup": .text("\(s)"),
                                         "x": .number(px), "y": .number(py), "width": .number(cellW - 1), "height": .number(cellH - 1),
                                         "fill": .text(Palette.diverging(s, limit: limit))],
                                tooltip: "\(x.name)=\(xv), \(y.name)=\(yv): \(ChartNumber.si(rows[i].latency, "s")), speedup \(ChartNumber.plain(s))×")
                    if cellW >= 44 {
                        svg.text(speedupText(s), ["class": "cell-label", "x": .number(px + cellW / 2), "y": .number(py + cellH / 2 + 4),
                                                                                   "text-anchor": "middle", "font-size": 10.5,
                                                                                   "fill": abs(log(s) / log(limit)) > 0.6 ? "#ffffff" : "#222222"])
                    }
                } else {
                    svg.element("rect", ["class": "cell missing", "data-x": .text(xv), "data-y": .text(yv), "x": .number(px), "y": .number(py),
                                         "width": .number(cellW - 1), "height": .number(cellH - 1), "fill": "#dddddd"], tooltip: "no result")
                }
            }
        }
        svg.endGroup()
        svg.beginGroup(["class": "axes", "fill": "#333333", "font-size": 11])
        for (c, xv) in x.values.enumerated() {
            svg.text(short(xv, parameter: x.name), ["class": "tick", "x": .number(left + (Double(c) + 0.5) * cellW), "y": .number(top + cellH * Double(y.values.count) + 16), "text-anchor": "middle"])
        }
        for (r, yv) in y.values.enumerated() {
            svg.text(short(yv, parameter: y.name), ["class": "tick", "x": .number(left - 8), "y": .number(top + (Double(r) + 0.5) * cellH + 4), "text-anchor": "end"])
        }
        svg.text(x.name, ["class": "axis-label", "x": .number(left + cellW * Double(x.values.count) / 2), "y": .number(top + cellH * Double(y.values.count) + 40),
                          "text-anchor": "middle", "font-size": 12])
        svg.text(y.name, ["class": "axis-label", "x": 12, "y": .number(top - 10), "font-size": 12])
        svg.endGroup()
        let note = baseline == nil
            ? "No result at the first values (\(x.name)=\(short(x.values[0], parameter: x.name)), \(y.name)=\(short(y.values[0], parameter: y.name))), so no speedups."
            : "Speedup = latency at \(x.name)=\(short(x.values[0], parameter: x.name)), \(y.name)=\(short(y.values[0], parameter: y.name)) (the top-left cell) over each cell's latency: blue is faster, red slower (color saturates at \(ChartNumber.plain(limit))×)."
        return ReportChart(name: "heatmap-\(index)", heading: "Speedup heatmap \(index): \(x.name) × \(y.name)", svg: svg, note: note)
    }

    /// A speedup for a cell: two significant digits below 1 (`0.0042×`), two decimals up to 10.
    static func speedupText(_ s: Double) -> String {
        if s >= 10 { return ChartNumber.decimals(s, 1) + "×" }
        if s >= 0.995 { return ChartNumber.decimals(s, 2) + "×" }
        var places = 2, m = s
        while m < 0.1, places < 6 { m *= 10; places += 1 }
        return ChartNumber.decimals(s, places) + "×"
    }

    /// A value label: SI-prefixed with the parameter's unit (`hbm.bandwidth [B/s]` → `2 TB/s`)
    /// when it is a number with a unit or a large or small number.
    static func short(_ value: String, parameter: String) -> String {
        var unit = ""
        if let open = parameter.lastIndex(of: "["), let close = parameter.lastIndex(of: "]"), open < close {
            unit = String(parameter[parameter.index(after: open)..<close])
        }
        guard let n = Double(value), n.isFinite, !unit.isEmpty || abs(n) >= 1e7 || (abs(n) < 1e-2 && n != 0) else { return String(value.prefix(14)) }
        return ChartNumber.si(n, unit).trimmingCharacters(in: .whitespaces)
    }
}
