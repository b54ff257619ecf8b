import ArgumentParser
import Einsim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `einsim` command: subcommands per the CLI contract in DESIGN.md.
public struct EinsimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "einsim",
        abstract: "Latency and energy of attention cascades on modeled GPUs, NPUs, spatial arrays and PIM.",
        version: "einsim \(EinsimVersion.current)",
        subcommands: [SimulateCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self, AccuracyCommand.self, MapCommand.self, PassesCommand.self, ValidateCommand.self, ListCommand.self, ReportCommand.self]
    )
    public init() {}

    /// Runs the CLI with `arguments` and returns the process exit status: 0 success, 1 the
    /// simulation could not be done, 2 bad input (usage errors included).
    public static func run(arguments: [String]) -> Int32 {
        InterruptHandling.install()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as InputError {
            writeStandardError(error.rendered + "\n")
            return 2
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { emit(message) }  // --help, --version
                return 0
            }
            if !message.isEmpty { writeStandardError(message + "\n") }
            // Usage errors (ArgumentParser's 64) are bad input: exit 2 per the CLI contract.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}

