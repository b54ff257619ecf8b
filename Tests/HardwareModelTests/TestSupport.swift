#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import HardwareModel

/// The bytes of the file at `path`, if readable.
func readFile(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
}

/// A fresh temporary directory holding `files` (name → contents).
func temporaryDirectory(_ files: [String: String]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.path + "/einsim-hw-tests-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (name, contents) in files {
        _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(contents.utf8))
    }
    return directory
}

func removeDirectory(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// Loads `xml` and returns the errors it must produce (records an issue when it loads).
func loadErrors(_ xml: String, file: String = "test.xml", searchDirectory: String? = nil,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [ProfileError] {
    let start = ContinuousClock.now
    defer {
        #expect(ContinuousClock.now - start < .seconds(1), "rejection took too long", sourceLocation: sourceLocation)
    }
    do {
        _ = try ProfileLoader.load(xml: xml, file: file, searchDirectory: searchDirectory)
        Issue.record("the profile loaded but should not", sourceLocation: sourceLocation)
        return []
    } catch let errors as ProfileErrors {
        return errors.errors
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return []
    }
}
