import Foundation
import Testing
import EinsimCore
@testable import HardwareModel

/// Relative closeness for values converted with a power-of-ten divisor.
private func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= 1e-12 * abs(b)
}

/// The parameters every shipped GPU profile names.
private let gpuParameterNames: Set<String> = [
    "l2-resident-fraction", "max-thread-blocks-per-sm", "max-threads-per-sm", "padding-mac-energy-fraction",
    "register-headroom", "minimum-clock", "fa2.combine-step", "cudnn.combine-step", "flex.combine-step",
    "fa3.combine-step", "fa2.combine-fixed", "cudnn.combine-fixed", "flex.combine-fixed", "fa3.combine-fixed",
    "gather-overhead", "interconnect-bandwidth",
]

/// The optional parameters of the 2026-12-01 H200 calibration (issue 13) the Hopper and Ampere
/// profiles name: the loaded latency of split-KV streams, the single-warp stall of mma.sync
/// blocks alone on an SM, cuDNN's energy per score.
private let gpuMechanismParameterNames: Set<String> = [
    "streaming-latency", "warp-schedulers-per-sm", "single-warp-issue-efficiency", "cudnn.score-energy",
    "shared-memory-reserved-per-block",
]

/// A gpu profile with `parameters` (lines) in a `<parameters>` block starting on line 4.
private func profile(name: String = "t", _ parameters: String...) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <profile name="\(name)" kind="gpu">
      <clock>1 GHz</clock><processors>4</processors><unit name="mac" kind="matrix"><throughput precision="bf16">16</throughput></unit><memory name="dram"><capacity>1 GiB</capacity><bandwidth>100 GB/s</bandwidth></memory>
      <parameters source="the block's source">
    \(parameters.map { "    " + $0 }.joined(separator: "\n"))
      </parameters>
    </profile>
    """
}

@Suite("Named profile parameters")
struct ProfileParameterTests {
    @Test func parametersParseWithUnitsIntoSIValuesAndKeepTheirSource() throws {
        let xml = profile(
            #"<parameter name="fa2.combine-step" source="fitted on decode rows">0.55 us</parameter>"#,
            #"<parameter name="gather-overhead" source="lead: two sectors">64 B</parameter>"#,
            #"<parameter name="minimum-clock" source="0.4 x boost">792 MHz</parameter>"#,
            #"<parameter name="l2-resident-fraction" source="fitted">0.5</parameter>"#,
            #"<parameter name="max-threads-per-sm">2048</parameter>"#,
            #"<parameter name="percent">25 %</parameter>"#,
            #"<parameter name="chunk">4 KiB</parameter>"#
        )
        let loaded = try ProfileLoader.load(xml: xml, file: "p.xml", searchDirectory: nil)
        #expect(loaded.parameters.count == 7)
        #expect(close(loaded.parameter("fa2.combine-step"), 0.55e-6))
        #expect(loaded.parameter("gather-overhead") == 64)
        #expect(loaded.parameter("minimum-clock") == 792e6)
        #expect(loaded.parameter("l2-resident-fraction") == 0.5)
        #expect(loaded.parameter("max-threads-per-sm") == 2048)
        #expect(loaded.parameter("percent") == 0.25)
        #expect(loaded.parameter("chunk") == 4096)
        #expect(loaded.parameter("no-such-parameter") == nil)

        let step = try #require(loaded.parameters["fa2.combine-step"])
        #expect(step.name == "fa2.combine-step" && step.text == "0.55 us" && step.dimension == .time)
        #expect(step.provenance == Provenance("fitted on decode rows"))
        #expect(step.location == EinsimCore.SourceLocation(file: "p.xml", line: 5, column: 1))
        #expect(loaded.parameters["gather-overhead"]?.dimension == .bytes)
        #expect(loaded.parameters["minimum-clock"]?.dimension == .frequency)
        #expect(loaded.parameters["l2-resident-fraction"]?.dimension == .dimensionless)
        // Without its own source a parameter takes the <parameters> block's.
        #expect(loaded.parameters["max-threads-per-sm"]?.provenance == Provenance("the block's source"))
        #expect(loaded.parameters["chunk"]?.location?.line == 11)
    }

    @Test func aProfileWithoutParametersHasNone() throws {
        let loaded = try ProfileLibrary.load("flat")
        #expect(loaded.parameters.isEmpty && loaded.parameter("minimum-clock") == nil)
    }

    @Test func h100HasTheGPUEngineParametersWithSources() throws {
        let h100 = try ProfileLibrary.load("nvidia-h100-sxm")
        #expect(Set(h100.parameters.keys) == gpuParameterNames.union(gpuMechanismParameterNames))
        #expect(h100.parameter("l2-resident-fraction") == 0.5)
        #expect(h100.parameter("max-thread-blocks-per-sm") == 32)
        #expect(h100.parameter("max-threads-per-sm") == 2048)
        #expect(h100.parameter("padding-mac-energy-fraction") == 0.7)
        #expect(close(h100.parameter("streaming-latency"), 4e-6))
        #expect(h100.parameter("register-headroom") == 0.75)
        #expect(h100.parameter("minimum-clock") == 345e6)
        #expect(close(h100.parameter("fa2.combine-step"), 0.16e-6))
        #expect(close(h100.parameter("cudnn.combine-step"), 0.1e-6))
        #expect(close(h100.parameter("flex.combine-step"), 0.16e-6))
        #expect(close(h100.parameter("fa3.combine-step"), 0.16e-6))
        #expect(h100.parameter("gather-overhead") == 64)
        for (name, parameter) in h100.parameters {
            #expect(parameter.provenance?.source.isEmpty == false, "\(name) has no source")
            #expect(parameter.location?.file.hasSuffix("/nvidia-h100-sxm.xml") == true)
        }
        #expect(h100.parameters["fa3.combine-step"]?.provenance?.source.hasPrefix("lead") == true)
        #expect(h100.parameters["max-thread-blocks-per-sm"]?.provenance?.source.contains("compute capability 9.0") == true)
        #expect(h100.location?.file.hasSuffix("/nvidia-h100-sxm.xml") == true && h100.location?.line == 9)
        #expect(h100.hasExplicitProcessorCount)
    }

    @Test func h200OverridesWhatItMeasuredAndInheritsTheRest() throws {
        let h100 = try ProfileLibrary.load("nvidia-h100-sxm")
        let h200 = try ProfileLibrary.load("nvidia-h200-sxm")
        #expect(Set(h200.parameters.keys).isSuperset(of: gpuParameterNames.union(gpuMechanismParameterNames)))
        #expect(h200.parameters["flex.mac-energy"] != nil, "FlexAttention's energy was measured on the H200 only")
        // What the H200 measured or fitted is written in its own file with a dated source; the
        // rest is inherited and still points at the H100's file.
        for name in ["streaming-latency", "single-warp-issue-efficiency", "padding-mac-energy-fraction", "cudnn.score-energy", "fa2.combine-step"] {
            #expect(h200.parameters[name]?.location?.file.hasSuffix("/nvidia-h200-sxm.xml") == true, "\(name)")
            let source = h200.parameters[name]?.provenance?.source ?? ""
            #expect(["2026-12-01", "2026-12-02", "2026-12-03"].contains { source.contains($0) }, "\(name): \(source)")
        }
        // Round 11: the DVFS floor is the H200's own lowest supported clock, not the H100's lead.
        #expect(h200.parameters["minimum-clock"]?.location?.file.hasSuffix("/nvidia-h200-sxm.xml") == true)
        #expect(h200.parameters["minimum-clock"]?.value == 345e6)
        // The H100 takes the same floor as measured on the H200 (the same GH100 board clocks).
        #expect(h100.parameters["minimum-clock"]?.provenance?.source.contains("same GH100 die") == true)
        #expect(h200.location?.file.hasSuffix("/nvidia-h200-sxm.xml") == true && h200.location?.line == 9)
        #expect(h200.hasExplicitProcessorCount && h200.processorCount == 132)
    }

    /// The A100's combine-kernel times are the GH100's measured ones (the H200 profile's) taken to
    /// the A100's clock, not the H100's fitted times reused unscaled.
    @Test func a100CombineTimesAreTheGH100sAtItsClock() throws {
        let a100 = try ProfileLibrary.load("nvidia-a100-sxm")
        let h200 = try ProfileLibrary.load("nvidia-h200-sxm")
        let ratio = h200.clockHz / a100.clockHz
        #expect(ratio > 1.3 && ratio < 1.5)
        for preset in ["fa2", "cudnn"] {
            for part in ["combine-step", "combine-fixed"] {
                let name = "\(preset).\(part)"
                let scaled = try #require(h200.parameter(name)) * ratio
                let a = try #require(a100.parameter(name))
                #expect(abs(a - scaled) <= 0.03 * scaled + 1e-12, "\(name): \(a) against \(scaled)")
                #expect(a100.parameters[name]?.provenance?.source.contains("clock ratio") == true || scaled == 0, "\(name)")
            }
        }
    }

    @Test func a100NamesTheSameParametersAsLeads() throws {
        let a100 = try ProfileLibrary.load("nvidia-a100-sxm")
        #expect(Set(a100.parameters.keys) == gpuParameterNames.union(gpuMechanismParameterNames))
        #expect(a100.parameter("minimum-clock") == 564e6)
        #expect(a100.parameter("max-thread-blocks-per-sm") == 32 && a100.parameter("max-threads-per-sm") == 2048)
        let measuredElsewhere: Set<String> = ["max-thread-blocks-per-sm", "max-threads-per-sm", "interconnect-bandwidth", "register-headroom"]
        for (name, parameter) in a100.parameters where !measuredElsewhere.contains(name) {
            #expect(parameter.provenance?.source.hasPrefix("lead") == true, "\(name)")
        }
        // Register headroom is read off the sm_80 cubins an A100 runs, not taken from the H100.
        #expect(a100.parameter("register-headroom") == 0.75)
        #expect(a100.parameters["register-headroom"]?.provenance?.source.contains("sm_80") == true)
        #expect(a100.parameters["max-threads-per-sm"]?.provenance?.source.contains("compute capability 8.0") == true)
        #expect(a100.parameters["interconnect-bandwidth"]?.provenance?.source.contains("datasheet") == true)
    }

    @Test func aChildProfileOverridesOneParameterAndInheritsTheRest() throws {
        let directory = try temporaryDirectory([
            "base.xml": profile(
                name: "base",
                #"<parameter name="a" source="base a">1</parameter>"#,
                #"<parameter name="b" source="base b">2 us</parameter>"#,
                #"<parameter name="gone" source="base">3</parameter>"#
            ),
        ])
        defer { removeDirectory(directory) }
        let child = """
        <?xml version="1.0"?>
        <profile name="child" extends="base">
          <parameters>
            <parameter name="b" source="child b">3 us</parameter>
            <parameter name="c">5 MHz</parameter>
            <parameter name="gone" remove="true"/>
          </parameters>
        </profile>
        """
        let loaded = try ProfileLoader.load(xml: child, file: "child.xml", searchDirectory: directory)
        #expect(Set(loaded.parameters.keys) == ["a", "b", "c"])
        #expect(loaded.parameter("a") == 1)
        #expect(loaded.parameters["a"]?.provenance == Provenance("base a"))
        #expect(loaded.parameters["a"]?.location?.file == directory + "/base.xml")
        #expect(close(loaded.parameter("b"), 3e-6))
        #expect(loaded.parameters["b"]?.text == "3 us")
        #expect(loaded.parameters["b"]?.provenance == Provenance("child b"))
        #expect(loaded.parameters["b"]?.location == EinsimCore.SourceLocation(file: "child.xml", line: 4, column: 1))
        #expect(loaded.parameter("c") == 5e6)
        // The child's <parameters> has no source; the base block's (merged) is the fallback.
        #expect(loaded.parameters["c"]?.provenance == Provenance("the block's source"))
        #expect(loaded.processorCount == 4 && loaded.hasExplicitProcessorCount)
        #expect(loaded.location == EinsimCore.SourceLocation(file: "child.xml", line: 2, column: 1))
    }

    @Test func aDeviceReferencingAGPUProfileCarriesItsParameters() throws {
        let system = """
        <?xml version="1.0"?>
        <profile name="one" kind="system">
          <device name="gpu0" profile="nvidia-h100-sxm"/>
        </profile>
        """
        let loaded = try ProfileLoader.load(xml: system, file: "one.xml", searchDirectory: nil)
        #expect(loaded.parameters.isEmpty && !loaded.hasExplicitProcessorCount && loaded.processorCount == 132)
        #expect(loaded.devices.count == 1)
        #expect(loaded.devices.allSatisfy { $0.parameter("minimum-clock") == 345e6 && $0.hasExplicitProcessorCount })
        #expect(loaded.devices.first?.location == EinsimCore.SourceLocation(file: "one.xml", line: 3, column: 1))
    }

    @Test func everyShippedGPUProfileHasProcessorsAndTheParameters() throws {
        for profile in try ProfileLibrary.shippedProfiles() where profile.kind == .gpu {
            #expect(profile.hasExplicitProcessorCount, "\(profile.name)")
            #expect(Set(profile.parameters.keys).isSuperset(of: gpuParameterNames), "\(profile.name)")
        }
    }

    @Test func profilesBuiltInCodeHaveDefaults() {
        let profile = HardwareProfile(
            name: "code", summary: "", kind: .gpu, clockHz: 1e9, computeUnits: [], memoryLevels: [],
            power: PowerModel(idleWatts: 0, limitWatts: 1), launchOverheadSeconds: 0, processorCount: 4
        )
        #expect(profile.parameters.isEmpty && profile.location == nil && profile.hasExplicitProcessorCount)
    }

    // MARK: Quantity.parse(_:) of any dimension

    @Test func quantityOfAnyDimension() throws {
        #expect(try Quantity.parse("0.5") == Quantity(0.5, .dimensionless))
        #expect(try Quantity.parse("64 B") == Quantity(64, .bytes))
        #expect(try Quantity.parse("792 MHz") == Quantity(792e6, .frequency))
        #expect(try Quantity.parse("2.5 us") == Quantity(2.5e-6, .time))
        #expect(try Quantity.parse("3.35 TB/s") == Quantity(3.35e12, .bandwidth))
        #expect(try Quantity.parse("14 cycles") == Quantity(14, .cycles))
        #expect(throws: Quantity.ParseError.unknownUnitInAnyDimension(unit: "uss", suggestion: "did you mean 'us'?")) {
            try Quantity.parse("1 uss")
        }
        #expect(throws: Quantity.ParseError.notANumber(text: "fast", expected: .dimensionless)) { try Quantity.parse("fast") }
        #expect(throws: Quantity.ParseError.empty(expected: .dimensionless)) { try Quantity.parse("  ") }
    }
}

/// Quantities beyond physically plausible bounds are typos, reported where they are written.
@Test func implausibleQuantitiesAreLocated() throws {
    let directory = try #require(ProfileLibrary.profilesDirectory)
    let text = try String(contentsOfFile: directory + "/nvidia-h100-sxm.xml", encoding: .utf8)
        .replacingOccurrences(of: ">1.98 GHz<", with: ">1e300 GHz<")
    let path = NSTemporaryDirectory() + "implausible-clock-\(getpid()).xml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try ProfileLoader.load(path: path)
        Issue.record("a 1e300 GHz clock loaded")
    } catch {
        let message = "\(error)"
        #expect(message.contains(path) && message.contains("clock") && message.contains("1 THz"), "\(message)")
    }
}
