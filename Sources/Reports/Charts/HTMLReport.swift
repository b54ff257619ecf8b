/// The report: every chart that applies to the results (inline SVG), a sentence for each one
/// that does not, and a table of the results, in one self-contained, well-formed XHTML file
/// (inline CSS, no scripts, no external fonts or images).
public struct HTMLReport: Sendable {
    public var title: String
    /// The input files, for the header.
    public var sources: [String]
    public var rows: [ReportRow]
    public var charts: [ReportChart]

    /// Builds every chart for `rows`: roofline, breakdowns, speedup heatmaps, Pareto scatter.
    public init(rows: [ReportRow], sources: [String], title: String = "einsim report") {
        self.title = title; self.sources = sources; self.rows = rows
        charts = [RooflineChart.chart(rows)] + BreakdownChart.charts(rows) + HeatmapChart.charts(rows) + [ParetoChart.chart(rows)]
    }

    /// At most this many results in the table.
    public static let maximumTableRows = 200
    /// Tables of at most this many results start unfolded.
    public static let unfoldedTableRows = 20

    static let style = """
    body { font-family: sans-serif; margin: 24px; color: #222; background: #fafafa; max-width: 1000px; }
    h1 { font-size: 22px; margin-bottom: 4px; }
    h2 { font-size: 17px; margin: 0 0 8px 0; }
    section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 14px 16px; margin: 16px 0; }
    section.omitted { background: #f3f3f3; color: #555; }
    p.note { font-size: 13px; color: #444; margin: 8px 0 0 0; }
    p.meta { font-size: 13px; color: #555; margin-top: 0; }
    svg { display: block; max-width: 100%; height: auto; }
    table { border-collapse: collapse; font-size: 12px; }
    th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 8px; text-align: left; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    summary { font-size: 13px; cursor: pointer; margin-bottom: 6px; }
    """

    /// The HTML text (the same bytes for the same input).
    public var html: String {
        let e = SVGDocument.escape
        var out = ["<!DOCTYPE html>", "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">", "<head>", "<meta charset=\"utf-8\"/>",
                   "<title>\(e(title))</title>", "<style>", Self.style, "</style>", "</head>", "<body>", "<h1>\(e(title))</h1>"]
        let drawn = charts.filter { $0.svg != nil }.count
        out.append("<p class=\"meta\">\(rows.count) result\(rows.count == 1 ? "" : "s") from \(e(sources.joined(separator: ", "))); \(drawn) chart\(drawn == 1 ? "" : "s") drawn, \(charts.count - drawn) omitted.</p>")
        for chart in charts {
            if let svg = chart.svg {
                out.append("<section class=\"chart\" id=\"section-\(e(chart.name))\">")
                out.append("<h2>\(e(chart.heading))</h2>")
                out.append(svg.rendered())
                out.append("<p class=\"note\">\(e(chart.note))</p>")
            } else {
                out.append("<section class=\"omitted\" id=\"section-\(e(chart.name))\">")
                out.append("<h2>\(e(chart.heading))</h2>")
                out.append("<p class=\"note\">\(e(chart.note))</p>")
            }
            out.append("</section>")
        }
        out.append("<section class=\"results\" id=\"section-results\">")
        out.append("<h2>Results</h2>")
        // Long tables start folded (no script: <details>).
        out.append(rows.count <= Self.unfoldedTableRows ? "<details open=\"open\">" : "<details>")
        out.append("<summary>\(rows.count) result\(rows.count == 1 ? "" : "s")</summary>")
        out.append("<table>")
        out.append("<tr><th>#</th><th>result</th><th>latency</th><th>energy</th><th>TFLOP/s</th><th>DRAM bytes</th></tr>")
        for (i, r) in rows.prefix(Self.maximumTableRows).enumerated() {
            let tflops = r.latency > 0 ? r.flops / r.latency / 1e12 : 0
            out.append("<tr><td class=\"n\">\(i)</td><td>\(e(r.label))</td><td class=\"n\">\(e(ChartNumber.si(r.latency, "s")))</td>"
                       + "<td class=\"n\">\(e(ChartNumber.si(r.energy, "J")))</td><td class=\"n\">\(ChartNumber.decimals(tflops, 1))</td>"
                       + "<td class=\"n\">\(e(ChartNumber.si(r.dramBytes, "B")))</td></tr>")
        }
        out.append("</table>")
        if rows.count > Self.maximumTableRows {
            out.append("<p class=\"note\">\(rows.count - Self.maximumTableRows) more results are not listed.</p>")
        }
        out.append("</details>")
        out.append("</section>")
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }
}
