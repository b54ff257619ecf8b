import Einsim
import EinsimCLI
import Foundation
import Testing

/// Installed use: the search path for the shipped profiles and cascades, and `einsim list`'s
/// engines found by running them.
@Suite struct InstalledUseTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "einsim-install-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func touch(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data())
    }

    @Test func theSearchPathIsEnvironmentInstalledCopiedSourceThenAncestors() {
        let path = ResourceSearchPath(.profiles, environment: ["EINSIM_PROFILES": "/data/profiles"],
                                      executablePath: "/opt/einsim/bin/einsim", sourceRoot: "/src/einsim")
        #expect(Array(path.candidates.prefix(4)) == ["/data/profiles", "/opt/einsim/share/einsim/profiles", "/opt/einsim/bin/einsim-data/profiles",
                                                     "/src/einsim/HardwareProfiles"])
        #expect(Array(path.candidates.dropFirst(4)) == ["/opt/einsim/bin/HardwareProfiles", "/opt/einsim/HardwareProfiles", "/opt/HardwareProfiles", "/HardwareProfiles"])
        let cascades = ResourceSearchPath(.cascades, environment: [:], executablePath: "/usr/local/bin/einsim", sourceRoot: nil)
        #expect(cascades.candidates.first == "/usr/local/share/einsim/cascades")
        #expect(cascades.candidates.contains("/usr/local/bin/einsim-data/cascades") && cascades.candidates.last == "/Examples/cascades")
        // An empty variable is no folder; no executable path leaves the source tree alone.
        #expect(ResourceSearchPath(.cascades, environment: ["EINSIM_CASCADES": ""], executablePath: nil, sourceRoot: "/s").candidates == ["/s/Examples/cascades"])
    }

    @Test func anInstallationIsFoundBeforeTheSourceTreeAndTheVariableBeforeBoth() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.touch(root + "/prefix/share/einsim/profiles/einsim-hardware.xsd")
        try Self.touch(root + "/prefix/share/einsim/cascades/attention-1pass.einsum")
        try Self.touch(root + "/copy/einsim-data/cascades/attention-1pass.einsum")
        try Self.touch(root + "/source/HardwareProfiles/einsim-hardware.xsd")
        try Self.touch(root + "/elsewhere/einsim-hardware.xsd")
        let exists = { FileManager.default.fileExists(atPath: $0) }
        let installed = ResourceSearchPath(.profiles, environment: [:], executablePath: root + "/prefix/bin/einsim", sourceRoot: root + "/source")
        #expect(installed.first(where: exists) == root + "/prefix/share/einsim/profiles")
        #expect(ResourceSearchPath(.cascades, environment: [:], executablePath: root + "/prefix/bin/einsim", sourceRoot: root + "/source").first(where: exists)
            == root + "/prefix/share/einsim/cascades")
        #expect(ResourceSearchPath(.cascades, environment: [:], executablePath: root + "/copy/einsim", sourceRoot: nil).first(where: exists)
            == root + "/copy/einsim-data/cascades")
        let copied = ResourceSearchPath(.profiles, environment: [:], executablePath: root + "/copy/einsim", sourceRoot: root + "/source")
        #expect(copied.first(where: exists) == root + "/source/HardwareProfiles")
        let overridden = ResourceSearchPath(.profiles, environment: ["EINSIM_PROFILES": root + "/elsewhere"], executablePath: root + "/prefix/bin/einsim",
                                            sourceRoot: root + "/source")
        #expect(overridden.first(where: exists) == root + "/elsewhere")
    }

    @Test func nothingFoundNamesEveryPlaceAndTheVariable() {
        let path = ResourceSearchPath(.cascades, environment: ["EINSIM_CASCADES": "/nowhere"], executablePath: "/tmp/x/einsim", sourceRoot: "/gone")
        #expect(path.first { _ in false } == nil)
        for folder in path.candidates { #expect(path.notFoundMessage.contains(folder)) }
        #expect(path.notFoundMessage.contains("/tmp/x/einsim-data/cascades") && path.notFoundMessage.contains("/tmp/share/einsim/cascades"))
        #expect(path.notFoundSuggestion.contains("EINSIM_CASCADES") && path.notFoundSuggestion.contains("Scripts/install.sh"))
        #expect(ResourceSearchPath(.profiles, environment: [:], executablePath: nil, sourceRoot: nil).notFoundSuggestion.contains("EINSIM_PROFILES"))
    }

    @Test func listMarksTheEnginesThatRanOnEachProfile() throws {
        let r = CLI.run(["list"])
        #expect(r.status == 0)
        let line = { (name: String) in r.output.split(separator: "\n").first { $0.hasPrefix("  \(name) ") }.map(String.init) ?? "" }
        #expect(line("nvidia-h100-sxm").contains("engines: roofline, cycle"))
        #expect(line("fusemax").contains("engines: roofline, cycle"))
        // The marks come from running the engines: they agree with the probe.
        for name in ["nvidia-h100-sxm", "neupims", "attacc"] {
            let support = EngineSupport.probe(name)
            let listed = support.supported.isEmpty ? "none" : support.supported.map(\.rawValue).joined(separator: ", ")
            #expect(line(name).contains("engines: \(listed) ("), "\(name): \(support.refusals)")
        }
    }

    @Test func theProbeRunsTheEngines() throws {
        // A profile that cannot be loaded runs no engine; each refusal says why.
        let support = EngineSupport.probe("nvidia-h100-sxm")
        #expect(support.supported == [.roofline, .cycle] && support.refusals.isEmpty)
        let missing = EngineSupport.probe("/nonexistent/profile.xml")
        #expect(missing.supported.isEmpty && missing.refusals.count == 2)
    }
}
