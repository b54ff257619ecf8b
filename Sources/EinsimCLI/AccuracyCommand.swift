import ArgumentParser
import Einsim
import Foundation

/// `einsim accuracy MEASUREMENTS.jsonl`: predicted vs measured latency and energy per row, with
/// median and mean absolute percentage errors per (phase, backend) group and overall.
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Compare predictions with measurements (JSON lines, shared/calibration format).")
    @Argument(help: "Measurements, one JSON object per line.") var file: String
    @Option(help: "Hardware profile name or path.") var hardware: String = "nvidia-h100-sxm"
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() throws {
        let profile = try ProfileResolver.load(hardware)
        let report = try AccuracyReport.run(path: file, profile: profile)
        emit(format == .json ? AccuracyRendering.json(report) : AccuracyRendering.table(report))
    }
}
