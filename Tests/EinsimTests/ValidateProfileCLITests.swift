#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
import EinsimCLI
import HardwareModel

@Suite("einsim validate with XML profiles")
struct ValidateProfileCLITests {
    private func writeTemporary(_ name: String, _ contents: String) -> String {
        let path = FileManager.default.temporaryDirectory.path + "/einsim-cli-\(UInt32.random(in: 0...UInt32.max))-\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
        return path
    }

    @Test func shippedProfileValidates() throws {
        let directory = try #require(ProfileLibrary.profilesDirectory)
        #expect(EinsimCommand.capture(arguments: ["validate", directory + "/nvidia-h100-sxm.xml"]).status == 0)
    }

    @Test func malformedProfilesExitTwo() {
        let cases = [
            "<?xml version=\"1.0\"?>\n<profile name=\"x\" kind=\"gpu\"><clock>1 GHz</clok></profile>",
            "<?xml version=\"1.0\"?>\n<profile name=\"x\" kind=\"gpu\"><clok>1 GHz</clok></profile>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><profile name=\"x\">&e;</profile>",
            "<?xml version=\"1.0\"?>\n<profile name=\"x\" kind=\"gpu\"><clock>1 GB/s</clock></profile>",
        ]
        for (index, xml) in cases.enumerated() {
            let path = writeTemporary("bad\(index).xml", xml)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(EinsimCommand.capture(arguments: ["validate", path]).status == 2, "case \(index)")
        }
    }

    @Test func sourcesListEveryValueWithItsFileAndSource() throws {
        let result = EinsimCommand.capture(arguments: ["validate", "nvidia-a100-sxm", "--sources"])
        #expect(result.status == 0)
        // The A100 profile extends nothing: every value is its own, each line names file:line.
        #expect(result.output.contains("0 inherited"))
        #expect(result.output.contains("memory[@name='hbm']/bandwidth = 2.04 TB/s  [nvidia-a100-sxm.xml:"))
        let child = writeTemporary("child.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <profile name="child" kind="gpu" extends="nvidia-h100-sxm">
          <summary>an H100 at a lower clock</summary>
          <clock source="my board">1.6 GHz</clock>
        </profile>
        """)
        defer { try? FileManager.default.removeItem(atPath: child) }
        let listed = EinsimCommand.capture(arguments: ["validate", child, "--sources"])
        #expect(listed.status == 0)
        #expect(listed.output.contains("clock = 1.6 GHz") && listed.output.contains("source: my board"))
        #expect(listed.output.contains("inherited memory[@name='hbm']/bandwidth = 3.35 TB/s  [nvidia-h100-sxm.xml:"))
        #expect(EinsimCommand.capture(arguments: ["validate", "attention-1pass.einsum", "--sources"]).status == 2)
    }

    @Test func missingFileExitsTwo() {
        #expect(EinsimCommand.capture(arguments: ["validate", "/nonexistent/profile.xml"]).status == 2)
    }
}
