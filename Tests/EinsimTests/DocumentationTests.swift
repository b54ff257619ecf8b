import Einsim
import Foundation
import Testing

/// The DocC articles' code is real code: every `swift` block of the getting-started article is
/// in ``gettingStartedRuns()`` below (which runs it), and every block of the sweep tutorial is in
/// Examples/SweepLibrary, which CI builds and runs.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The ```swift blocks of a Markdown file.
    static func swiftBlocks(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var blocks: [String] = [], current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" { current = []; continue }
            if current != nil, line == "```" { blocks.append(current?.joined(separator: "\n") ?? ""); current = nil; continue }
            current?.append(String(line))
        }
        return blocks
    }

    /// Lines without their indentation, so a block matches wherever it is nested.
    static func normalized(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    @Test func theArticlesCodeIsCodeThatRuns() throws {
        let docs = Self.root + "/Sources/Einsim/Einsim.docc/"
        let tests = Self.normalized(try String(contentsOfFile: #filePath, encoding: .utf8))
        let gettingStarted = try Self.swiftBlocks(docs + "GettingStarted.md")
        #expect(gettingStarted.count >= 4)
        for block in gettingStarted { #expect(tests.contains(Self.normalized(block)), "GettingStarted.md block not in DocumentationTests:\n\(block)") }
        let example = Self.normalized(try String(contentsOfFile: Self.root + "/Examples/SweepLibrary/Sources/SweepLibrary/main.swift", encoding: .utf8))
        let tutorial = try Self.swiftBlocks(docs + "SweepTutorial.md")
        #expect(tutorial.count >= 4)
        for block in tutorial { #expect(example.contains(Self.normalized(block)), "SweepTutorial.md block not in Examples/SweepLibrary:\n\(block)") }
    }

    @Test func gettingStartedRuns() throws {
        let h100 = try ProfileResolver.load("nvidia-h100-sxm")
        let shape = try ModelPreset.named("llama-3-8b").attentionShape(phase: .decode, seq: 65536, batch: 64)
        let result = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: h100))
        print(Format.seconds(result.latencySeconds), Format.joules(result.energyJoules), result.bound)

        let records = try Experiment.run(SweepBase(hardware: ["nvidia-h100-sxm", "nvidia-h200-sxm"], model: "llama-3-8b",
                                                   phase: "decode", seq: 65536, batch: 64, mapping: "fa2"))
        for record in records { print(record.result.hardware, Format.seconds(record.result.latencySeconds)) }
        #expect(records.map(\.result.hardware) == ["nvidia-h100-sxm", "nvidia-h200-sxm"] && records[0].result.latencySeconds == result.latencySeconds)

        let fusemax = try ProfileResolver.load("fusemax")
        let spatial = try Experiment.simulateOnTarget(shape: AttentionShape(batch: 1, heads: 12, qLen: 16384, headDim: 64), profile: fusemax)
        print(spatial.kernel, Format.seconds(spatial.latencySeconds))
        #expect(spatial.latencySeconds > 0)

        let cascade = try AlgorithmResolver.cascade("1pass")
        print(cascade.name, cascade.einsums.count, cascade.passAnalysis().passes)
        #expect(cascade.passAnalysis().passes == 1)

        let wider = try h100.setting("hbm.bandwidth", to: "6.7TB/s").setting("power.limit", to: "1000W")
        let faster = try Experiment.simulateAttention(shape: shape, preset: .fa2, machine: try GPUMachine(profile: wider))
        let doubled = try h100.setting("hbm.bandwidth", si: 2 * (h100.memory(named: "hbm")?.aggregateBandwidth ?? 0))
        print(Format.seconds(faster.latencySeconds), doubled.parameterPaths.count)
        #expect(faster.latencySeconds < result.latencySeconds)
    }
}
