import ArgumentParser
import Einsim

/// `einsim passes FILE.einsum [--format table|json]`: pass analysis of a cascade (FuseMax §III-A).
struct PassesCommand: ParsableCommand {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case table, json
    }

    static let configuration = CommandConfiguration(commandName: "passes", abstract: "Pass analysis of a .einsum cascade.")
    @Argument(help: "A .einsum file.") var file: String
    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: " | ")).") var format: Format = .table

    func run() throws {
        let report = PassReport(cascade: try CascadeParser.parse(contentsOf: file))
        switch format {
        case .table: emit(report.table(), terminator: "")
        case .json: emit(report.json())
        }
    }
}
