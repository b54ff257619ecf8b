import EinsimCLI
import Einsim
import Foundation
import Testing

/// `einsim report`: the HTML and SVG files are read back with libxml2 (the profiles' secure
/// reader) and every chart is checked against the results it was drawn from.
@Suite struct ReportChartTests {
    // MARK: - Helpers

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "einsim-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Parses an XHTML/SVG file with libxml2 (the DOCTYPE line, which the secure reader refuses, dropped).
    static func parse(_ path: String) throws -> XMLTree {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("<!DOCTYPE html>\n") { text.removeFirst("<!DOCTYPE html>\n".count) }
        let copy = path + ".xml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        return try SecureXMLReader.read(path: copy)
    }

    /// Every element below `tree` (itself included) named `name` whose class list has `cls`.
    static func all(_ tree: XMLTree, _ name: String, class cls: String? = nil) -> [XMLTree] {
        var out: [XMLTree] = []
        func walk(_ t: XMLTree) {
            if t.name == name, cls.map({ (t.attributes["class"] ?? "").split(separator: " ").contains(Substring($0)) }) ?? true { out.append(t) }
            t.children.forEach(walk)
        }
        walk(tree)
        return out
    }

    static func svg(_ html: XMLTree, _ id: String) -> XMLTree? {
        all(html, "svg").first { $0.attributes["id"] == id }
    }

    /// The scale a plot group states, to map a pixel position back to a value.
    static func scale(_ plot: XMLTree, _ axis: String) throws -> Scale {
        let kind = try #require(plot.attributes["data-\(axis)-scale"].flatMap(Scale.Kind.init(rawValue:)))
        let d = try #require(plot.attributes["data-\(axis)-domain"]).split(separator: " ").compactMap { Double($0) }
        let r = try #require(plot.attributes["data-\(axis)-range"]).split(separator: " ").compactMap { Double($0) }
        try #require(d.count == 2 && r.count == 2 && d[0] < d[1])
        return Scale(kind: kind, domain: d[0]...d[1], start: r[0], end: r[1])
    }

    static func number(_ t: XMLTree, _ key: String) -> Double { Double(t.attributes[key] ?? "") ?? .nan }

    /// A JSON number read by JSONSerialization.
    static func double(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-3) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-30)
    }

    /// A 3 × 2 sweep (HBM bandwidth × batch) of Llama-3-8B decode on FA2, written as JSONL by `--output`.
    static func sweep(in dir: String) throws -> (path: String, rows: [[String: Any]]) {
        let path = dir + "/sweep.jsonl"
        let (status, _) = CLI.run(["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "8192", "--kernel", "fa2",
                                   "--sweep", "hbm.bandwidth=1TB/s,2TB/s,4TB/s", "--sweep", "batch=1,16", "--format", "jsonl", "--output", path])
        try #require(status == 0)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let rows = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["einsim_sweep"] == nil }
        try #require(rows.count == 6)
        return (path, rows)
    }

    // MARK: - A sweep's report

    @Test func sweepReportChartsMatchTheData() throws {
        let dir = try Self.temporaryDirectory()
        let (input, rows) = try Self.sweep(in: dir)
        let r = EinsimCommand.capture(arguments: ["report", input, "--html", dir + "/report.html", "--svg", dir + "/svg"])
        #expect(r.status == 0, "\(r.error)")
        let html = try Self.parse(dir + "/report.html")
        #expect(html.name == "html")
        // Self-contained: no scripts, nothing to fetch (the only URLs are the XML namespaces).
        let text = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let urls = text.replacingOccurrences(of: "xmlns=\"http://www.w3.org/1999/xhtml\"", with: "")
            .replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for banned in ["<script", "src=", "href=", "url(", "@import", "http:", "https:"] { #expect(!urls.contains(banned), "\(banned)") }
        // Every chart applies to a two-parameter sweep: none is omitted, each is an inline SVG and a file.
        #expect(Self.all(html, "section", class: "omitted").isEmpty)
        for id in ["roofline", "latency-by-einsum", "latency-by-unit", "energy", "traffic", "heatmap-1", "pareto"] {
            let chart = try #require(Self.svg(html, id), "\(id)")
            #expect(Self.number(chart, "width") > 0 && Self.number(chart, "height") > 0)
            let file = try Self.parse(dir + "/svg/\(id).svg")
            #expect(file.name == "svg" && file.attributes["id"] == id)
        }
        let latency = rows.map { Self.double($0["latency_s"]) ?? .nan }
        let energy = rows.map { Self.double($0["energy_j"]) ?? .nan }

        // Pareto: one point per result; the front is exactly the non-dominated results.
        let pareto = try #require(Self.svg(html, "pareto"))
        let points = Self.all(pareto, "circle", class: "point")
        #expect(points.count == rows.count)
        let dominated = rows.indices.map { i in
            rows.indices.contains { j in latency[j] <= latency[i] && energy[j] <= energy[i] && (latency[j] < latency[i] || energy[j] < energy[i]) }
        }
        let front = Set(points.filter { $0.attributes["data-front"] == "1" }.compactMap { $0.attributes["data-row"].flatMap { Int($0) } })
        #expect(front == Set(rows.indices.filter { !dominated[$0] }))
        #expect(!front.isEmpty && front.count < rows.count)
        let plot = try #require(Self.all(pareto, "g", class: "plot").first)
        let px = try Self.scale(plot, "x"), py = try Self.scale(plot, "y")
        for p in points {
            let i = try #require(p.attributes["data-row"].flatMap { Int($0) })
            #expect(Self.close(px.value(at: Self.number(p, "cx")), latency[i]), "latency of row \(i)")
            #expect(Self.close(py.value(at: Self.number(p, "cy")), energy[i]), "energy of row \(i)")
        }

        // Roofline: a point per fused group with FLOPs and DRAM bytes, at its intensity and FLOP/s.
        let roofline = try #require(Self.svg(html, "roofline"))
        let rplot = try #require(Self.all(roofline, "g", class: "plot").first)
        let rx = try Self.scale(rplot, "x"), ry = try Self.scale(rplot, "y")
        var expected: [String: (Double, Double)] = [:]
        for (i, row) in rows.enumerated() {
            for k in row["kernels"] as? [[String: Any]] ?? [] {
                let f = Self.double(k["flops"]) ?? 0, b = Self.double(k["dram_bytes"]) ?? 0, s = Self.double(k["seconds"]) ?? 0
                if f > 0 && b > 0 && s > 0 { expected["\(i)|\(k["name"] as? String ?? "")"] = (f / b, f / s) }
            }
        }
        let rpoints = Self.all(roofline, "circle", class: "point")
        #expect(!expected.isEmpty && rpoints.count == expected.count)
        for p in rpoints {
            let key = "\(p.attributes["data-row"] ?? "")|\(p.attributes["data-group"] ?? "")"
            let want = try #require(expected[key], "\(key)")
            #expect(Self.close(rx.value(at: Self.number(p, "cx")), want.0), "intensity of \(key)")
            #expect(Self.close(ry.value(at: Self.number(p, "cy")), want.1), "FLOP/s of \(key)")
        }
        // Roofs: one main-memory roof per machine (three bandwidths, one SM count), at the results' bandwidths.
        let roofs = Self.all(roofline, "polyline", class: "roof")
        let wanted = Set(rows.compactMap { Self.double(($0["bandwidth_bytes_per_s"] as? [String: Any])?["hbm"]) })
        #expect(wanted.count == 3)
        #expect(Set(roofs.map { Self.number($0, "data-bandwidth") }) == wanted)

        // Energy bars: segments are the static energy and the breakdown, widths proportional, summing to energy_j.
        let bars = try #require(Self.svg(html, "energy"))
        let segments = Self.all(bars, "rect", class: "segment")
        let widest = try #require(segments.max { Self.number($0, "width") < Self.number($1, "width") })
        let pixelsPerJoule = Self.number(widest, "width") / Self.number(widest, "data-value")
        #expect(segments.count > rows.count && pixelsPerJoule > 0)
        for s in segments {  // coordinates are rounded to 0.01 px
            #expect(abs(Self.number(s, "width") - Self.number(s, "data-value") * pixelsPerJoule) <= 0.011, "\(s.attributes)")
        }
        let bx = try Self.scale(try #require(Self.all(bars, "g", class: "plot").first), "x")
        let groups = Self.all(bars, "g", class: "bar")
        #expect(groups.count == rows.count)
        for g in groups {
            let i = try #require(g.attributes["data-row"].flatMap { Int($0) })
            let parts = Self.all(g, "rect", class: "segment")
            let breakdown = rows[i]["energy_breakdown_j"] as? [String: Any] ?? [:]
            for s in parts {
                let key = s.attributes["data-key"] ?? ""
                let want = Self.double(key == "static" ? rows[i]["static_energy_j"] : breakdown[key])
                #expect(want.map { Self.close($0, Self.number(s, "data-value"), 1e-9) } == true, "\(key) of row \(i)")
            }
            let components = (Self.double(rows[i]["static_energy_j"]) ?? 0) + breakdown.values.reduce(0) { $0 + (Self.double($1) ?? 0) }
            #expect(Self.close(parts.reduce(0) { $0 + Self.number($1, "data-value") }, components, 1e-9))
            // The black mark is the result's energy.
            let marker = try #require(Self.all(g, "line", class: "marker").first)
            #expect(abs(bx.position(energy[i]) - Self.number(marker, "x1")) <= 0.011)
        }

        // Heatmap: one cell per (bandwidth, batch) pair, speedups against the first cell.
        let heat = try #require(Self.svg(html, "heatmap-1"))
        #expect(Self.svg(html, "heatmap-2") == nil)
        let cells = Self.all(heat, "rect", class: "cell")
        #expect(cells.count == 3 * 2)
        #expect(Self.all(heat, "rect", class: "missing").isEmpty)
        for c in cells {
            let i = try #require(c.attributes["data-row"].flatMap { Int($0) })
            #expect(Self.close(Self.number(c, "data-speedup"), latency[0] / latency[i], 1e-9))
        }
    }

    @Test func reportIsDeterministic() throws {
        let dir = try Self.temporaryDirectory()
        let (input, _) = try Self.sweep(in: dir)
        #expect(CLI.run(["report", input, "--html", dir + "/a.html"]).status == 0)
        #expect(CLI.run(["report", input, "--html", dir + "/b.html"]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.html")), b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.html"))
        #expect(a == b && a.count > 10_000)
    }

    // MARK: - Other inputs

    @Test func simulateResultsOmitTheHeatmapWithAReasonAndPlaceSpatialGroups() throws {
        let dir = try Self.temporaryDirectory()
        let (status, out) = CLI.run(["simulate", "--hardware", "fusemax", "--hardware", "nvidia-h100-sxm", "--batch", "1", "--heads", "12",
                                     "--head-dim", "64", "--q-len", "4096", "--format", "json"])
        try #require(status == 0)
        try out.write(toFile: dir + "/r.json", atomically: true, encoding: .utf8)
        #expect(CLI.run(["report", dir + "/r.json", "--html", dir + "/r.html"]).status == 0)
        let html = try Self.parse(dir + "/r.html")
        let omitted = Self.all(html, "section", class: "omitted")
        #expect(omitted.map { $0.attributes["id"] ?? "" } == ["section-heatmap"])
        let reason = Self.all(omitted[0], "p").first?.text ?? ""
        #expect(reason.contains("not a sweep"))
        let roofline = try #require(Self.svg(html, "roofline"))
        #expect(Self.all(roofline, "circle", class: "point").count == 2)
        #expect(Set(Self.all(roofline, "polyline", class: "roof").map { $0.attributes["data-level"] ?? "" }) == ["dram", "hbm"])
        #expect(Self.all(try #require(Self.svg(html, "pareto")), "circle", class: "point").count == 2)
        // Both have per-Einsum times: two bars, each with the cascade's Einsums.
        let einsums = try #require(Self.svg(html, "latency-by-einsum"))
        #expect(Self.all(einsums, "g", class: "bar").count == 2)
    }

    // MARK: - Bad input: exit 2 with file:line

    @Test func badInputIsAnErrorWithItsLocation() throws {
        let dir = try Self.temporaryDirectory()
        func run(_ name: String, _ text: String) throws -> (Int32, String) {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            let r = EinsimCommand.capture(arguments: ["report", dir + "/" + name, "--html", dir + "/out.html"])
            return (r.status, r.error)
        }
        let notJSON = try run("a.json", "hello\n")
        #expect(notJSON.0 == 2 && notJSON.1.contains("a.json:1:") && notJSON.1.contains("not JSON"))
        let empty = try run("b.json", "\n\n")
        #expect(empty.0 == 2 && empty.1.contains("b.json:1:") && empty.1.contains("empty"))
        let broken = try run("c.json", "{\"results\": [\n  {\"hardware\": \"x\",\n   \"variant\": }\n]}")
        #expect(broken.0 == 2 && broken.1.contains("c.json:3:"), "\(broken.1)")
        let missing = try run("d.json", "{\"results\": [\n {\"hardware\": \"h\", \"variant\": \"dense\", \"kernel\": \"fa2\", \"latency_s\": 1, \"energy_j\": 1, \"flops\": 1, \"dram_bytes\": 1},\n {\"hardware\": \"h\", \"variant\": \"dense\", \"kernel\": \"fa2\"}\n]}")
        #expect(missing.0 == 2 && missing.1.contains("d.json:3:") && missing.1.contains("latency_s"), "\(missing.1)")
        let lines = try run("e.jsonl", "{\"einsim_sweep\":{}}\n{\"hardware\": \"h\", \"variant\": \"dense\", \"kernel\": \"fa2\", \"latency_s\": 1, \"energy_j\": 1, \"flops\": 1, \"dram_bytes\": 1}\n{\"hardware\": 3}\n")
        #expect(lines.0 == 2 && lines.1.contains("e.jsonl:3:") && lines.1.contains("hardware"), "\(lines.1)")
        let noResults = try run("f.json", "{\"results\": []}")
        #expect(noResults.0 == 2 && noResults.1.contains("no results"))
        let csv = try run("g.csv", "hardware,variant\nh,dense\n")
        #expect(csv.0 == 2 && csv.1.contains("g.csv:1:"))
        #expect(EinsimCommand.capture(arguments: ["report", dir + "/a.json"]).status == 2)  // no --html or --svg
        #expect(EinsimCommand.capture(arguments: ["report", dir + "/absent.json", "--html", dir + "/x.html"]).status == 2)
    }

    // MARK: - Building blocks

    @Test func scalesMapBackAndTickNicely() {
        let log = Scale.nice(.log, values: [3, 4500], start: 0, end: 300)
        #expect(log.domain == 1...10_000 && log.ticks == [1, 10, 100, 1000, 10_000])
        #expect(Self.close(log.value(at: log.position(42)), 42, 1e-12))
        let linear = Scale.nice(.linear, values: [0.3, 9.2], start: 400, end: 0, fromZero: true)
        #expect(linear.domain == 0...10 && linear.ticks == [0, 2, 4, 6, 8, 10])
        #expect(linear.position(5) == 200)
        #expect(ChartNumber.coordinate(12.345) == "12.35" && ChartNumber.coordinate(-0.001) == "0" && ChartNumber.coordinate(300) == "300")
        #expect(ChartNumber.si(3.35e12, "B/s") == "3.35 TB/s" && ChartNumber.si(0.000125, "s") == "125 µs")
    }

    @Test func paretoFrontKeepsTiesAndDropsDominated() {
        let points: [(x: Double, y: Double)] = [(1, 5), (2, 2), (2, 2), (3, 1), (3, 3), (1, 6), (4, 1)]
        #expect(ParetoFront.indices(points) == [0, 1, 2, 3])
    }

    @Test func svgEscapesTextAndAttributes() {
        var doc = SVGDocument(name: "t", title: "a<b & \"c\"", width: 10, height: 10)
        doc.text("x < y & 'z'\u{1}", ["class": "a\"b"])
        let text = doc.rendered()
        #expect(text.contains("<title>a&lt;b &amp; &quot;c&quot;</title>"))
        #expect(text.contains("<text class=\"a&quot;b\">x &lt; y &amp; &apos;z&apos;</text>"))
    }
}

extension ReportChartTests {
    /// Extreme but valid numbers draw without trapping (no Int conversion of an infinity).
    @Test func extremeValuesDoNotTrap() throws {
        let dir = try Self.temporaryDirectory()
        let text = """
        {"results": [
         {"hardware": "h", "variant": "dense", "kernel": "k", "latency_s": 1e308, "energy_j": 1e-320, "flops": 1e308, "dram_bytes": 5e-324,
          "peak_flops_per_s": 1e308, "bandwidth_bytes_per_s": {"hbm": 1e-300}, "kernels": [{"name": "g", "seconds": 1e-300, "dram_bytes": 1e300, "flops": 1e308}]},
         {"hardware": "h", "variant": "dense", "kernel": "k", "latency_s": 0, "energy_j": 0, "flops": 0, "dram_bytes": 0, "point": 0, "sweep": {"a": 1, "b": 2}},
         {"hardware": "h", "variant": "dense", "kernel": "k", "latency_s": 2, "energy_j": 3, "flops": 4, "dram_bytes": 5, "point": 1, "sweep": {"a": 2, "b": 2}}
        ]}
        """
        try text.write(toFile: dir + "/x.json", atomically: true, encoding: .utf8)
        #expect(CLI.run(["report", dir + "/x.json", "--html", dir + "/x.html"]).status == 0)
        _ = try Self.parse(dir + "/x.html")
    }
}

extension ReportChartTests {
    /// A sweep's CSV file: the totals draw the Pareto scatter and the heatmap; the breakdowns say why they are missing.
    @Test func csvSweepDrawsTotalsAndSaysWhatIsMissing() throws {
        let dir = try Self.temporaryDirectory()
        let (status, _) = CLI.run(["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "8192", "--kernel", "fa2",
                                   "--sweep", "hbm.bandwidth=1TB/s,2TB/s,4TB/s", "--sweep", "batch=1,16", "--format", "csv", "--output", dir + "/s.csv"])
        try #require(status == 0)
        #expect(CLI.run(["report", dir + "/s.csv", "--html", dir + "/s.html"]).status == 0)
        let html = try Self.parse(dir + "/s.html")
        #expect(Self.all(try #require(Self.svg(html, "pareto")), "circle", class: "point").count == 6)
        #expect(Self.all(try #require(Self.svg(html, "heatmap-1")), "rect", class: "cell").count == 6)
        let omitted = Self.all(html, "section", class: "omitted").map { $0.attributes["id"] ?? "" }
        #expect(omitted == ["section-latency-by-einsum", "section-latency-by-unit", "section-energy", "section-traffic"])
        #expect(Self.all(html, "section", class: "omitted").allSatisfy { (Self.all($0, "p").first?.text ?? "").contains("CSV carries totals only") })
    }
}
