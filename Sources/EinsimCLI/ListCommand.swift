import ArgumentParser
import Einsim

/// `einsim list`: shipped profiles, variants, models, presets (stub).
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Shipped profiles, variants, models and kernel presets.")
    func run() throws { throw ExitCode(1) }
}
