import ArgumentParser
import Einsim

/// `einsim passes FILE.einsum`: pass analysis of a cascade (owned by the IR work; stub).
struct PassesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passes", abstract: "Pass analysis of a .einsum cascade.")
    @Argument(help: "A .einsum file.") var file: String
    func run() throws { throw ExitCode(1) }
}
