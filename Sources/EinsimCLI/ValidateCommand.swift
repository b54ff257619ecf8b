import ArgumentParser
import Einsim

/// `einsim validate PATH.xml|PATH.einsum`: checks a hardware profile or a cascade and prints a summary.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate a hardware profile (.xml) or a cascade (.einsum).")
    @Argument(help: "A .xml hardware profile or a .einsum cascade.") var file: String

    func run() throws {
        if file.hasSuffix(".einsum") {
            emit(try EinsumFileSummary.validate(path: file))
        } else if file.hasSuffix(".xml") {
            emit(try ProfileSummary.validate(path: file))
        } else {
            throw SimpleInputError("cannot tell what '\(file)' is", suggestion: "give a .xml hardware profile or a .einsum cascade")
        }
    }
}
