import ArgumentParser
import Einsim

/// `einsim list`: shipped profiles, variants, models, presets — one section per function.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Shipped profiles, variants, models and kernel presets.")

    func run() throws {
        emit(try ListCommand.sections().joined(separator: "\n\n"))
    }

    /// Every section of the listing, in order. Other sections (variants, models, kernel presets)
    /// add a function here.
    static func sections() throws -> [String] {
        [try hardwareProfilesSection(), kernelPresetsSection()]
    }

    /// "Kernel presets:" and one line per GPU mapping preset.
    static func kernelPresetsSection() -> String {
        let width = KernelPreset.allCases.map(\.rawValue.count).max() ?? 0
        let lines = KernelPreset.allCases.map { preset in
            "  \(preset.rawValue)\(String(repeating: " ", count: width - preset.rawValue.count))  \(preset.summary)"
        }
        return (["Kernel presets (--kernel):"] + lines).joined(separator: "\n")
    }

    /// "Hardware profiles:" and one line per shipped profile: its name and summary.
    static func hardwareProfilesSection() throws -> String {
        let profiles = try ProfileLibrary.shippedProfiles()
        let width = profiles.map(\.name.count).max() ?? 0
        let lines = profiles.map { profile in
            let padding = String(repeating: " ", count: width - profile.name.count)
            return "  \(profile.name)\(padding)  \(profile.summary)"
        }
        return (["Hardware profiles:"] + lines).joined(separator: "\n")
    }
}
