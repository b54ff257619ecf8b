import Testing
@testable import HardwareModel

@Suite("Where each profile value was written")
struct ProfileValueSourceTests {
    @Test func anOverrideIsTheProfilesOwnAndTheRestIsInherited() throws {
        let child = """
        <?xml version="1.0" encoding="UTF-8"?>
        <profile name="my-h100" kind="gpu" extends="nvidia-h100-sxm">
          <summary>an H100 with a faster L2</summary>
          <memory name="l2">
            <latency source="measured on my board">150 ns</latency>
          </memory>
        </profile>
        """
        let directory = try temporaryDirectory(["my-h100.xml": child])
        defer { removeDirectory(directory) }
        let values = try ProfileLoader.valueSources(path: directory + "/my-h100.xml")
        let latency = try #require(values.first { $0.path == "/profile/memory[@name='l2']/latency" })
        #expect(latency.value == "150 ns" && !latency.isInherited && latency.line == 5 && latency.source == "measured on my board")
        let hbm = try #require(values.first { $0.path == "/profile/memory[@name='hbm']/bandwidth" })
        #expect(hbm.isInherited && hbm.file.hasSuffix("nvidia-h100-sxm.xml") && hbm.value == "3.35 TB/s")
        // Keyed elements carry their key attributes in the path.
        #expect(values.contains { $0.path == "/profile/unit[@name='tensor-core']/throughput[@precision='bf16' @path='wgmma']" && $0.isInherited })
        #expect(!values.contains { $0.path.hasSuffix("/summary") }, "the summary is prose, not a value")
    }

    /// Issue 13: no number of the H200 profile is the H100's unless it was measured to be the same,
    /// and then the H200 profile says so itself. Every valued element with a digit in it is written
    /// in nvidia-h200-sxm.xml, with a source.
    @Test func theH200StatesEveryNumberItself() throws {
        let values = try ProfileLibrary.valueSources("nvidia-h200-sxm")
        // `serves` and `operations` name levels and operation classes ("l2"), not quantities.
        let numbers = values.filter { !$0.path.hasSuffix("/serves") && !$0.path.hasSuffix("/operations") && $0.value.contains(where: \.isNumber) }
        let inherited = numbers.filter(\.isInherited)
        #expect(inherited.isEmpty, "taken from the H100 file: \(inherited.map { "\($0.path) = \($0.value)" })")
        let unsourced = numbers.filter { $0.source == nil }
        #expect(unsourced.isEmpty, "without a source: \(unsourced.map(\.path))")
    }
}
