import ArgumentParser
import Einsim

/// `einsim validate PATH.xml|PATH.einsum`: checks a hardware profile or a cascade and prints a summary.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate a hardware profile (.xml) or a cascade (.einsum).")
    @Argument(help: "A .xml hardware profile or a .einsum cascade.") var file: String

    func run() throws {
        if file.hasSuffix(".einsum") {
            emit(try EinsumFileSummary.validate(path: file))
        } else if file.hasSuffix(".xml") || !file.contains("/") && (try? ProfileLibrary.load(file)) != nil {
            // A path, or a shipped profile's name.
            let profile = file.hasSuffix(".xml") ? try ProfileLoader.load(path: file) : try ProfileLibrary.load(file)
            // What the engines need beyond the schema: the GPU kernel model's units, levels and
            // parameters, or the target-neutral machine for every other kind.
            if profile.kind == .gpu {
                _ = try GPUMachine(profile: profile)
            } else {
                _ = try Machine(profile: profile)
            }
            emit(ProfileSummary.summary(of: profile) + "\n  engines: roofline, cycle (\(profile.kind == .gpu ? "GPU kernels" : "spatial mapper"))")
        } else {
            throw SimpleInputError("cannot tell what '\(file)' is", suggestion: "give a .xml hardware profile, a shipped profile's name ('einsim list') or a .einsum cascade")
        }
    }
}
