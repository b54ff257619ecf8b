import Einsim

import Foundation
import Testing

/// Same inputs, same bytes: every shipped experiment file and every profile's JSON, run twice.
struct DeterminismTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var experiments: [String] {
        let dir = root + "/Examples/experiments"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".xml") }.sorted().map { dir + "/" + $0 }
    }

    /// Every experiment file shipped in Examples/ (the studies at its top level too).
    static var shippedExamples: [String] {
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/Examples")) ?? [])
            .filter { $0.hasSuffix(".xml") }.sorted().map { root + "/Examples/" + $0 }
        return experiments + top
    }

    /// The mapper's wall-clock time is the one field that differs between runs.
    static func stable(_ text: String) -> String {
        text.replacingOccurrences(of: #""seconds":[0-9.eE+-]+,"stopped_early""#, with: "\"seconds\":0,\"stopped_early\"", options: .regularExpression)
    }

    @Test func everyShippedExampleIsByteIdenticalTwice() {
        #expect(Self.shippedExamples.count >= 3)
        for path in Self.shippedExamples {
            let a = CLI.run(["simulate", path, "--format", "json"])
            let b = CLI.run(["simulate", path, "--format", "json"])
            #expect(a.0 == 0 && a.0 == b.0 && Self.stable(a.1) == Self.stable(b.1), "\(path)")
        }
    }

    @Test(arguments: ["nvidia-h100-sxm", "fusemax", "tpu-like-npu", "neupims"])
    func mapJSONIsByteIdenticalTwice(hardware: String) {
        let args = ["map", "--hardware", hardware, "--batch", "2", "--heads", "8", "--q-len", "2048", "--head-dim", "64", "--format", "json"]
        let a = CLI.run(args), b = CLI.run(args)
        #expect(a.0 == 0 && Self.stable(a.1) == Self.stable(b.1))
    }
}

/// A sweep runs its points in parallel and prints them in grid order: the same bytes every run.
@Test func parallelSweepIsDeterministic() {
    let args = ["sweep", "--heads", "8", "--head-dim", "64", "--q-len", "1", "--kernel", "fa2",
                "--sweep", "kv-len=1024:65536:x2", "--sweep", "batch=1,4,16", "--format", "csv"]
    let a = CLI.run(args), b = CLI.run(args)
    #expect(a.0 == 0 && a.1 == b.1)
    let lines = a.1.split(separator: "\n")
    #expect(lines.count == 1 + 7 * 3)
    #expect(lines[1].hasPrefix("1024,1,") && lines[2].hasPrefix("1024,4,"), "\(lines.prefix(3))")
}
