import Foundation
import EinsumIR

/// Paths and helpers shared by the EinsumIR tests.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cascadesDirectory = repositoryRoot.appendingPathComponent("Examples/cascades")

    static func path(_ name: String) -> String { cascadesDirectory.appendingPathComponent(name).path }

    static func cascade(_ name: String) throws -> Cascade { try CascadeParser.parse(contentsOf: path(name)) }

    static var exampleFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cascadesDirectory.path)) ?? []).filter { $0.hasSuffix(".einsum") }.sorted()
    }
}

/// Relative comparison for operation counts (exact integers below 2^53; products above round).
func approximatelyEqual(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    a == b || abs(a - b) <= tolerance * max(abs(a), abs(b))
}
