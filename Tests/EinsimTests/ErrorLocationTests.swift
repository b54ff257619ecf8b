import Einsim
import EinsimCLI
import Foundation
import Testing

/// Every error names the file:line:column or the flag (issue 12): the findings of the bad-input
/// campaign that had no location, each kept as a regression test.
struct ErrorLocationTests {
    static func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        EinsimCommand.capture(arguments: arguments)
    }

    static func directory(_ files: [String: Data]) throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/einsim-errors-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, contents) in files { _ = FileManager.default.createFile(atPath: path + "/" + name, contents: contents) }
        return path
    }

    @Test func aBadVariantInAnExperimentFileNamesItsLine() throws {
        let xml = """
        <experiment name="x">
          <hardware>nvidia-h100-sxm</hardware>
          <workload batch="1" heads="8" q-len="128" head-dim="64"/>
          <variant>block-sparse:density=2</variant>
        </experiment>
        """
        let dir = try Self.directory(["bad.xml": Data(xml.utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, _, error) = Self.run(["simulate", dir + "/bad.xml"])
        #expect(status == 2)
        #expect(error.contains("bad.xml:4:"), "\(error)")
    }

    @Test func aBadVariantFlagNamesTheFlagAndBoundsTheEcho() {
        let (status, _, error) = Self.run(["simulate", "--heads", "8", "--q-len", "128", "--head-dim", "64", "--variant", "block-sparse:density=2"])
        #expect(status == 2 && error.contains("--variant block-sparse:density=2"), "\(error)")
        let long = "block-sparse:density=0.5,block=" + String(repeating: "9", count: 5000)
        let (status2, _, error2) = Self.run(["simulate", "--heads", "8", "--q-len", "128", "--head-dim", "64", "--variant", long])
        #expect(status2 == 2 && error2.count < 600, "\(error2.count) characters")
    }

    @Test func nonUTF8InputNamesTheLineAndColumnOfTheFirstBadByte() throws {
        let dir = try Self.directory(["bad.einsum": Data("cascade x\nrank M = 4\n  \u{e9}".utf8.dropLast(1)) + Data([0xff, 0x0a]),
                                      "bad.jsonl": Data("{\"a\": 1}\n{\"b\": \"".utf8) + Data([0xfe]) + Data("\"}\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s1, _, e1) = Self.run(["validate", dir + "/bad.einsum"])
        #expect(s1 == 2 && e1.contains("bad.einsum:3:3:"), "\(e1)")
        let (s2, _, e2) = Self.run(["accuracy", dir + "/bad.jsonl", "--hardware", "nvidia-h100-sxm"])
        #expect(s2 == 2 && e2.contains("bad.jsonl:2:8:"), "\(e2)")
    }

    @Test func aCascadeWithoutTheAttentionRanksIsLocated() {
        let path = DeterminismTests.root + "/Examples/cascades/linear-attention.einsum"
        let (status, _, error) = Self.run(["simulate", "--heads", "8", "--q-len", "128", "--head-dim", "64", "--algorithm", path])
        #expect(status == 2 && error.contains("linear-attention.einsum:"), "\(error)")
        let (s2, _, e2) = Self.run(["simulate", "--hardware", "fusemax", "--heads", "8", "--q-len", "128", "--head-dim", "64", "--algorithm", path])
        #expect(s2 == 2 && e2.contains("linear-attention.einsum:"), "\(e2)")
    }
}

extension ErrorLocationTests {
    @Test func sweepErrorsNameTheFlag() {
        let (status, _, error) = Self.run(["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "1024", "--sweep", "bogus=1,2"])
        #expect(status == 2 && error.contains("--sweep bogus=1,2"), "\(error)")
    }
}

extension ErrorLocationTests {
    /// A guard on runaway searches: the search's time and draws are bounded, and say so.
    @Test(arguments: [["--time-limit", "1e12"], ["--time-limit", "0"], ["--time-limit", "nan"], ["--samples", "0"], ["--samples", "1000000000000"]])
    func searchLimitsAreBounded(flags: [String]) {
        let (status, _, error) = Self.run(["simulate", "--hardware", "fusemax", "--heads", "8", "--q-len", "1024", "--head-dim", "64",
                                           "--search", "random"] + flags)
        #expect(status == 2 && error.contains(flags[0]), "\(flags): \(error)")
    }
}

/// `--trace` writes the cycle engine's schedule for every scope it runs.
@Test(arguments: [["--hardware", "fusemax", "--batch", "4", "--heads", "8", "--q-len", "4096", "--head-dim", "64"],
                  ["--hardware", "nvidia-h100-sxm", "--heads", "8", "--q-len", "4096", "--head-dim", "64"],
                  ["--hardware", "neupims", "--model", "gpt-3-6.7b", "--batch", "64", "--scope", "serving"]])
func traceIsWrittenForEveryScope(arguments: [String]) throws {
    let path = FileManager.default.temporaryDirectory.path + "/einsim-trace-\(UInt64.random(in: 0...UInt64.max)).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, _, error) = EinsimCommand.capture(arguments: ["simulate"] + arguments + ["--engine", "cycle", "--trace", path])
    #expect(status == 0, "\(error)")
    let data = try #require(FileManager.default.contents(atPath: path))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try #require(object["traceEvents"] as? [[String: Any]])
    #expect(events.contains { $0["ph"] as? String == "M" && $0["name"] as? String == "thread_name" })
    #expect(events.contains { $0["ph"] as? String == "X" })
}

@Test func versionIsPrinted() {
    let (status, output) = CLI.run(["--version"])
    #expect(status == 0 && output.hasPrefix("einsim ") && output.contains(EinsimVersion.current), "\(output)")
}

/// Fuzzing finding (variant harness, 10-minute run): a spec with NUL bytes timed out once under a
/// starved CPU; alone it is rejected at once. Kept: it must stay a fast, located error.
@Test func aVariantWithNULBytesIsRejectedAtOnce() throws {
    let path = DeterminismTests.root + "/Fuzz/malformed/variant/fuzz-timeout-nul-bytes"
    let bytes = try #require(FileManager.default.contents(atPath: path))
    let text = String(decoding: bytes, as: UTF8.self)
    let start = Date()
    #expect(throws: (any Error).self) { try VariantSpec.parse(text) }
    let (status, _, error) = EinsimCommand.capture(arguments: ["simulate", "--heads", "2", "--q-len", "256", "--head-dim", "64", "--variant", text])
    #expect(status == 2 && error.contains("--variant"))
    #expect(Date().timeIntervalSince(start) < 2)
}

/// Every error message quotes at most a bounded excerpt of what the user wrote (one rendering path).
@Test func errorsQuoteABoundedExcerpt() throws {
    let dir = FileManager.default.temporaryDirectory.path + "/einsim-long-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let xml = "<?xml version=\"1.0\"?>\n<profile name=\"p\" kind=\"gpu\" extends=\"nvidia-h100-sxm\"><clock>" + String(repeating: "9", count: 100_000) + " GHz</clock></profile>\n"
    _ = FileManager.default.createFile(atPath: dir + "/long.xml", contents: Data(xml.utf8))
    let (status, _, error) = EinsimCommand.capture(arguments: ["validate", dir + "/long.xml"])
    #expect(status == 2 && error.count < 1200 && error.contains("more characters"), "\(error.count) characters")
}
