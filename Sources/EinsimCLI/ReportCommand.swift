import ArgumentParser
import Einsim
import Foundation

/// `einsim report RESULTS… --html FILE.html [--svg DIR]`: charts of simulation, comparison or
/// sweep results (roofline, breakdowns, speedup heatmaps, Pareto scatter).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Charts of results: roofline, latency and energy breakdowns, speedup heatmaps, latency-energy Pareto front.",
        discussion: "RESULTS: the output of einsim simulate|compare|sweep --format json, einsim sweep --format jsonl, or their --output files (CSV gives totals only). A chart that does not apply is replaced by a sentence saying why.")
    @Argument(help: "Result files (json, jsonl or csv).") var results: [String] = []
    @Option(help: ArgumentHelp("Write the report as one self-contained HTML file.", valueName: "FILE.html")) var html: String?
    @Option(help: ArgumentHelp("Write each chart as an SVG file into DIR (created if missing).", valueName: "DIR")) var svg: String?
    @Option(help: "The report's title.") var title: String = "einsim report"

    func run() throws {
        guard !results.isEmpty else {
            throw SimpleInputError("give the result files to chart", suggestion: "e.g. einsim sweep FILE.xml --format jsonl --output s.jsonl && einsim report s.jsonl --html report.html")
        }
        guard html != nil || svg != nil else {
            throw SimpleInputError("say where to write the report: --html FILE.html and/or --svg DIR", suggestion: "e.g. einsim report \(results[0].prefix(100)) --html report.html")
        }
        var rows: [ReportRow] = []
        for path in results {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SimpleInputError("cannot read '\(path.prefix(200))'", suggestion: "check the path")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw SimpleInputError("not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1), suggestion: "give JSON written by einsim")
            }
            rows += try ReportInput.rows(text, file: path)
        }
        let report = HTMLReport(rows: rows, sources: results, title: title)
        if let html {
            try write(report.html, to: html, flag: "--html")
            emit("wrote \(html)")
        }
        if let dir = svg {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw SimpleInputError("--svg \(dir.prefix(200)): cannot create the directory", suggestion: "give a path in a writable directory")
            }
            for chart in report.charts {
                guard let doc = chart.svg else { continue }
                let path = (dir as NSString).appendingPathComponent(chart.name + ".svg")
                try write(doc.rendered(standalone: true), to: path, flag: "--svg")
                emit("wrote \(path)")
            }
        }
        for chart in report.charts where chart.svg == nil {
            emit("\(chart.heading): \(chart.note)")
        }
    }

    func write(_ text: String, to path: String, flag: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw SimpleInputError("\(flag) \(path.prefix(200)): cannot write the file", suggestion: "give a path in a writable directory")
        }
    }
}
