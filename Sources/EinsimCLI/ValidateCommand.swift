import ArgumentParser
import Einsim

/// `einsim validate PATH.xml|PATH.einsum`: checks a hardware profile or a cascade and prints a summary.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate a hardware profile (.xml) or a cascade (.einsum).")
    @Argument(help: "A .xml hardware profile or a .einsum cascade.") var file: String
    @Flag(name: .long, help: "For a profile: list every value with the file and line it was written in and its stated source, marking those taken from the profile it extends.")
    var sources = false

    func run() throws {
        if file.hasSuffix(".einsum") {
            if sources {
                throw SimpleInputError("--sources lists a hardware profile's values; '\(file)' is a cascade", suggestion: "drop --sources, or give a .xml profile or a shipped profile's name")
            }
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
            if sources { emit(Self.sourcesListing(try ProfileLibrary.valueSources(file))) }
        } else if sources {
            throw SimpleInputError("--sources lists a hardware profile's values; '\(file)' is not a profile", suggestion: "give a .xml profile or a shipped profile's name")
        } else {
            throw SimpleInputError("cannot tell what '\(file)' is", suggestion: "give a .xml hardware profile, a shipped profile's name ('einsim list') or a .einsum cascade")
        }
    }

    /// One line per value: path = value, file:line (inherited or not), source.
    static func sourcesListing(_ values: [ProfileValueSource]) -> String {
        func base(_ file: String) -> String { file.split(separator: "/").last.map(String.init) ?? file }
        let inherited = values.filter(\.isInherited)
        let parents = Set(inherited.map { base($0.file) }).sorted()
        var lines = ["  values: \(values.count), \(inherited.count) inherited" + (parents.isEmpty ? "" : " from " + parents.joined(separator: ", "))
                     + ", \(values.filter { $0.source == nil }.count) without a source"]
        for v in values {
            let path = v.path.hasPrefix("/profile/") ? String(v.path.dropFirst("/profile/".count)) : v.path
            lines.append("  \(v.isInherited ? "inherited " : "")\(path) = \(v.value)  [\(base(v.file)):\(v.line)]" + (v.source.map { "  source: \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
