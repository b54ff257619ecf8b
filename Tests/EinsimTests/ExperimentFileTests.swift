import Einsim
import Foundation
import Testing

/// `einsim simulate EXPERIMENT.xml`: the file gives the defaults, flags override, errors name the line.
@Suite struct ExperimentFileTests {
    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "einsim-exp-\(UInt32.random(in: 0...UInt32.max)).xml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func shippedExampleRunsAndFlagsOverride() throws {
        let path = Fixtures.root + "/Examples/experiments/llama3-8b-prefill.xml"
        let (status, out) = CLI.run(["simulate", path, "--format", "csv"])
        #expect(status == 0)
        #expect(out.split(separator: "\n").count == 5, "2 profiles x 2 variants + header")
        let (s2, o2) = CLI.run(["simulate", path, "--hardware", "nvidia-a100-sxm", "--variant", "dense", "--format", "csv"])
        #expect(s2 == 0 && o2.split(separator: "\n").count == 2 && o2.contains("nvidia-a100-sxm"))
    }

    @Test(arguments: [
        ("<experiment>\n  <hardwear>nvidia-h100-sxm</hardwear>\n</experiment>", 2, "did you mean 'hardware'"),
        ("<experiment>\n\n  <workload modle=\"llama-3-8b\"/>\n</experiment>", 3, "did you mean 'model'"),
        ("<experiment>\n  <workload heads=\"-3\" q-len=\"10\" head-dim=\"8\"/>\n</experiment>", 2, "positive integer"),
        ("<experiment>\n  <kernel></kernel>\n</experiment>", 2, "empty"),
        ("<experimint/>", 1, "<experiment>"),
        ("<experiment>\n  <hardware>x</hardware>\n", 2, "well-formed"),
        ("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<experiment/>", 2, "not allowed"),
    ])
    func badFilesNameTheLine(text: String, line: Int, message: String) throws {
        let path = try Self.write(text)
        #expect {
            try ExperimentFile.load(path: path).integer("heads")
        } throws: { error in
            guard let e = error as? InputError else { return false }
            return e.location?.line == line && e.rendered.contains(message)
        }
        #expect(CLI.run(["simulate", path]).status == 2)
    }
}
