import ArgumentParser
import Einsim

/// The `einsim` command: subcommands per the CLI contract in DESIGN.md.
public struct EinsimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "einsim",
        abstract: "Latency and energy of attention cascades on modeled GPUs, NPUs, spatial arrays and PIM.",
        subcommands: []
    )
    public init() {}
}
