import Testing
import Foundation
import EinsimCLI
import Einsim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the CLI in-process with its output captured.
private func runCapturingOutput(_ arguments: [String]) -> (status: Int32, output: String) {
    let r = EinsimCommand.capture(arguments: arguments)
    return (r.status, r.output)
}

private let cascades = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Examples/cascades")

@Suite("einsim passes", .serialized)
struct PassesCLITests {
    @Test("pass counts through the CLI's JSON", arguments: [
        ("attention-3pass.einsum", 3), ("attention-2pass.einsum", 2), ("attention-1pass.einsum", 1),
        ("pedagogical-1.einsum", 2), ("pedagogical-2.einsum", 1), ("pedagogical-3.einsum", 1),
    ])
    func passes(file: String, passes: Int) throws {
        let (status, output) = runCapturingOutput(["passes", cascades.appendingPathComponent(file).path, "--format", "json"])
        #expect(status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "output: \(output)")
        #expect(object["passes"] as? Int == passes)
        #expect(object["by_rank"] is [Any])
        #expect((object["einsums"] as? [[String: Any]])?.allSatisfy { $0["pass"] is Int } == true)
    }

    @Test("table format")
    func table() {
        let (status, output) = runCapturingOutput(["passes", cascades.appendingPathComponent("attention-3pass.einsum").path])
        #expect(status == 0)
        #expect(output.hasPrefix("attention-3pass: 3 passes over m"))
    }

    @Test("bad input exits with status 2", arguments: [
        "rank M = 8\ninput A[m]\nZ[m] = expp(A[m])\n",
        "rank M = 8\nrank M = 16\n",
        "rank M = 8\ninput A[m]\nZ[m] = A[m] +\n",
    ])
    func badInput(text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("einsim-bad-\(UInt32.random(in: 0...UInt32.max)).einsum")
        try text.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        #expect(EinsimCommand.capture(arguments: ["passes", path.path]).status == 2)
        #expect(EinsimCommand.capture(arguments: ["validate", path.path]).status == 2)
    }

    @Test("missing file and unknown format exit with status 2")
    func missing() {
        #expect(EinsimCommand.capture(arguments: ["passes", "/nonexistent/cascade.einsum"]).status == 2)
        #expect(EinsimCommand.capture(arguments: ["passes", cascades.appendingPathComponent("gemm.einsum").path, "--format", "xml"]).status == 2)
    }

    @Test("validate succeeds on the examples")
    func validate() {
        #expect(runCapturingOutput(["validate", cascades.appendingPathComponent("attention-1pass.einsum").path]).status == 0)
    }
}
