#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EinsimCore

/// The shipped hardware profiles, and loading a profile by name or path.
///
/// The profiles directory (holding `einsim-hardware.xsd` and the shipped `*.xml`) is found from
/// any working directory along ``searchPath``: `$EINSIM_PROFILES` first, then an installation
/// (`<bin>/../share/einsim/profiles`), a copy beside the executable
/// (`<bin>/einsim-data/profiles`), the source tree's `HardwareProfiles/`.
public enum ProfileLibrary {
    /// The schema's file name inside the profiles directory.
    public static let schemaFileName = "einsim-hardware.xsd"

    /// The directory the shipped profiles and the schema are in, if one is found.
    public static var profilesDirectory: String? {
        candidateDirectories().first { FileManager.default.fileExists(atPath: $0 + "/" + schemaFileName) }
    }

    /// Path of the schema, if the profiles directory is found.
    static var schemaPath: String? { profilesDirectory.map { $0 + "/" + schemaFileName } }

    /// File stems of the shipped profiles, sorted (e.g. `nvidia-h100-sxm`).
    public static func shippedProfileNames() -> [String] {
        guard let directory = profilesDirectory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return [] }
        return files.filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Every shipped profile, loaded and validated, in name order.
    public static func shippedProfiles() throws -> [HardwareProfile] {
        try shippedProfileNames().map { try load($0) }
    }

    /// Loads `nameOrPath`: a file when it exists or ends in `.xml`, else a shipped profile's
    /// file stem. An unknown name gets a "did you mean" suggestion.
    public static func load(_ nameOrPath: String) throws -> HardwareProfile {
        if nameOrPath.hasSuffix(".xml") || FileManager.default.fileExists(atPath: nameOrPath) {
            return try ProfileLoader.load(path: nameOrPath)
        }
        guard profilesDirectory != nil else {
            // Nothing found anywhere: say where einsim looked, not that the name is unknown.
            throw ProfileErrors([ProfileError(.schemaNotFound, file: nil, line: nil)])
        }
        guard let path = locate(nameOrPath, near: nil) else {
            throw ProfileErrors([ProfileError(.unknownProfile(name: nameOrPath, candidates: shippedProfileNames()), file: nil, line: nil)])
        }
        return try ProfileLoader.load(path: path)
    }

    /// The file of the profile named `name`: in `directory` first, then among the shipped ones.
    static func locate(_ name: String, near directory: String?) -> String? {
        let candidates = [directory, profilesDirectory].compactMap { $0 }.map { $0 + "/" + name + ".xml" }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Profile names in `directory` and among the shipped ones (for suggestions).
    static func knownNames(near directory: String?) -> [String] {
        var names = Set(shippedProfileNames())
        if let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            names.formUnion(files.filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) })
        }
        return names.sorted()
    }

    /// The folders searched for the profiles, in order (``ResourceSearchPath``:
    /// `$EINSIM_PROFILES`, the installed and copied locations beside the executable, the source
    /// tree).
    public static var searchPath: ResourceSearchPath {
        ResourceSearchPath.standard(.profiles, environment: ProcessInfo.processInfo.environment)
    }

    /// Directories searched for the profiles, in order.
    static func candidateDirectories() -> [String] { searchPath.candidates }
}
