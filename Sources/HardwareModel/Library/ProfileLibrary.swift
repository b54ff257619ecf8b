#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shipped hardware profiles, and loading a profile by name or path.
///
/// The profiles directory (holding `einsim-hardware.xsd` and the shipped `*.xml`) is found from
/// any working directory: `$EINSIM_PROFILES` first, then the repository's `HardwareProfiles/`
/// (derived from this source file's path), then `HardwareProfiles/` (or
/// `share/einsim/HardwareProfiles/`) beside the executable or in one of its ancestors.
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

    /// Directories searched for the profiles, in order.
    static func candidateDirectories() -> [String] {
        var directories: [String] = []
        if let environment = ProcessInfo.processInfo.environment["EINSIM_PROFILES"], !environment.isEmpty {
            directories.append(environment)
        }
        // …/Sources/HardwareModel/Library/ProfileLibrary.swift → …/HardwareProfiles
        var source = ProfileLoader.directory(of: #filePath)
        for _ in 0..<3 { source = ProfileLoader.directory(of: source) }
        directories.append(source + "/HardwareProfiles")
        if let executable = CommandLine.arguments.first, executable.contains("/") {
            var directory = ProfileLoader.directory(of: executable)
            for _ in 0..<8 {
                directories.append(directory + "/HardwareProfiles")
                directories.append(directory + "/share/einsim/HardwareProfiles")
                let parent = ProfileLoader.directory(of: directory)
                if parent == directory { break }
                directory = parent
            }
        }
        return directories
    }
}
