import Testing
import EinsimCore
@testable import HardwareModel

/// A small valid profile; `units` and `memories` replace the default unit and memory lines.
/// Line 1 is the XML declaration, line 2 `<profile>` (and `processors`, which a gpu profile
/// needs), line 3 the clock, line 4 the unit, line 5 the memory level, line 6 `</profile>`
/// (with the default arguments).
private func profile(
    attributes: String = #"name="t" kind="gpu""#,
    processors: String = "<processors>1</processors>",
    clock: String = "<clock>1 GHz</clock>",
    unit: String = #"<unit name="mac" kind="matrix"><throughput precision="bf16">16 ops/cycle</throughput></unit>"#,
    memory: String = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>100 GB/s</bandwidth></memory>"#,
    extra: String = ""
) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <profile \(attributes)>\(processors)
      \(clock)
      \(unit)
      \(memory)\(extra)
    </profile>
    """
}

/// Checks that `errors` has one naming `line` whose rendered text contains every piece of `text`.
private func expectError(_ errors: [ProfileError], line: Int, _ text: String..., suggestion: String? = nil,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let match = errors.first { error in error.location?.line == line && text.allSatisfy { error.rendered.contains($0) } }
    #expect(match != nil, "no error at line \(line) containing \(text); got:\n\(errors.map(\.rendered).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    if let suggestion, let match {
        #expect(match.suggestion == suggestion, sourceLocation: sourceLocation)
    }
}

@Suite("Malformed profiles")
struct MalformedProfileTests {
    @Test func theMinimalProfileIsValid() throws {
        let loaded = try ProfileLoader.load(xml: profile(), file: "t.xml", searchDirectory: nil)
        #expect(loaded.computeUnits.map(\.name) == ["mac"])
        #expect(loaded.memory(named: "dram")?.serves == ["mac"])
    }

    // MARK: well-formedness, limits, security

    @Test func notWellFormed() {
        let errors = loadErrors(profile(clock: "<clock>1 GHz</clok>"))
        expectError(errors, line: 3, "not well-formed")
        #expect(errors.first?.location?.file == "test.xml")
    }

    @Test func emptyDocument() {
        expectError(loadErrors(""), line: 1, "not well-formed")
    }

    @Test func oversizedFile() {
        let padding = "<!--" + String(repeating: "x", count: 4 * 1024 * 1024) + "-->"
        expectError(loadErrors(profile(extra: padding)), line: 1, "more than the limit of 4194304 bytes")
    }

    @Test func tooDeepNesting() {
        let depth = 70
        let body = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let xml = "<?xml version=\"1.0\"?>\n<profile name=\"t\" kind=\"gpu\">\n" + body + "\n</profile>"
        expectError(loadErrors(xml), line: 3, "nest more than 64 deep")
    }

    @Test func externalEntityIsRefusedAndNeverRead() throws {
        let marker = "SECRET-MARKER-\(UInt32.random(in: 0...UInt32.max))"
        let directory = try temporaryDirectory(["secret.txt": marker])
        defer { removeDirectory(directory) }
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE profile [ <!ENTITY xxe SYSTEM "file://\(directory)/secret.txt"> ]>
        <profile name="&xxe;" kind="gpu"><clock>&xxe;</clock></profile>
        """
        let errors = loadErrors(xml)
        expectError(errors, line: 2, "DOCTYPE declarations are not allowed")
        #expect(!errors.map(\.rendered).joined().contains(marker))
        let passwd = loadErrors("""
        <?xml version="1.0"?>
        <!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]><profile name="t" kind="gpu"><clock>&e;</clock></profile>
        """)
        expectError(passwd, line: 2, "DOCTYPE")
        #expect(!passwd.map(\.rendered).joined().contains("root:"))
    }

    @Test func billionLaughs() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            xml += " <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        xml += "]>\n<profile name=\"t\" kind=\"gpu\"><summary>&lol9;</summary></profile>"
        expectError(loadErrors(xml), line: 2, "DOCTYPE declarations are not allowed")
    }

    @Test func entityDeclarationWithoutDoctype() {
        let xml = "<?xml version=\"1.0\"?>\n<profile name=\"t\" kind=\"gpu\">\n<!ENTITY x \"y\">\n</profile>"
        expectError(loadErrors(xml), line: 3, "ENTITY declarations are not allowed")
    }

    @Test func doctypeInsideACommentIsHarmless() throws {
        let xml = profile(extra: "\n<!-- <!DOCTYPE x> and <!ENTITY y 'z'> in a comment -->")
        _ = try ProfileLoader.load(xml: xml, file: "t.xml", searchDirectory: nil)
    }

    // MARK: schema

    @Test func unknownElementGetsDidYouMean() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwdith>100 GB/s</bandwdith></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "unknown element <bandwdith>", "/profile/memory[@name='dram']/bandwdith",
                    suggestion: "did you mean 'bandwidth'?")
    }

    @Test func unknownTopLevelElement() {
        expectError(loadErrors(profile(clock: "<clok>1 GHz</clok>")), line: 3, "unknown element <clok>", suggestion: "did you mean 'clock'?")
    }

    @Test func unknownAttribute() {
        let memory = #"<memory nmae="dram"><capacity>1 GiB</capacity><bandwidth>100 GB/s</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "unknown attribute 'nmae'", suggestion: "did you mean 'name'?")
    }

    @Test func badEnumerationValue() {
        expectError(loadErrors(profile(attributes: #"name="t" kind="gpux""#)), line: 2, "'kind' cannot be 'gpux'", suggestion: "did you mean 'gpu'?")
    }

    @Test func badPrecision() {
        let unit = #"<unit name="mac" kind="matrix"><throughput precision="bf61">16 ops/cycle</throughput></unit>"#
        expectError(loadErrors(profile(unit: unit)), line: 4, "'precision' cannot be 'bf61'", suggestion: "did you mean 'bf16'?")
    }

    @Test func missingRequiredName() {
        let memory = #"<memory><capacity>1 GiB</capacity><bandwidth>100 GB/s</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "'name' is required")
    }

    // MARK: units

    @Test func unknownUnit() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>100 GB/sec</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "unknown unit 'GB/sec'", "/profile/memory[@name='dram']/bandwidth",
                    suggestion: "did you mean 'GB/s'?")
    }

    @Test func wrongDimension() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>1.8 GHz</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "expected a bandwidth (B/s) but got 'GHz'")
    }

    @Test func missingUnit() {
        let memory = #"<memory name="dram"><capacity>1024</capacity><bandwidth>100 GB/s</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "has no unit", "/profile/memory[@name='dram']/capacity")
    }

    @Test func clockInWrongUnit() {
        expectError(loadErrors(profile(clock: "<clock>1.8 GB</clock>")), line: 3, "expected a frequency (Hz) but got 'GB'")
    }

    @Test func energyPerAccessNeedsAccessWidth() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth><readEnergy>5 pJ</readEnergy></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "needs a <accessWidth>")
    }

    // MARK: values

    @Test func negativeBandwidth() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>-5 GB/s</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "the bandwidth must be positive but is '-5 GB/s'")
    }

    @Test func zeroClock() {
        expectError(loadErrors(profile(clock: "<clock>0 GHz</clock>")), line: 3, "the clock must be positive")
    }

    @Test func zeroThroughput() {
        let unit = #"<unit name="mac" kind="matrix"><throughput precision="bf16">0 ops/cycle</throughput></unit>"#
        expectError(loadErrors(profile(unit: unit)), line: 4, "the throughput must be positive", "/profile/unit[@name='mac']/throughput")
    }

    @Test func fractionOutOfRange() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth achievedFraction="1.5">1 GB/s</bandwidth></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "achievedFraction must be greater than 0 and at most 1")
    }

    @Test func idleAboveLimit() {
        let extra = "\n<power><idle>800 W</idle><limit>700 W</limit></power>"
        expectError(loadErrors(profile(extra: extra)), line: 6, "idle power 800 W is above the power limit 700 W")
    }

    @Test func missingClockAndThroughput() {
        let errors = loadErrors(profile(clock: "<summary>no clock</summary>", unit: #"<unit name="mac" kind="matrix"/>"#))
        expectError(errors, line: 2, "<profile> needs a <clock>")
        expectError(errors, line: 4, "unit 'mac' has no <throughput>")
    }

    @Test func unknownOperation() {
        let unit = #"<unit name="mac" kind="matrix"><operations>matrix-mak</operations><throughput precision="bf16">1</throughput></unit>"#
        expectError(loadErrors(profile(unit: unit)), line: 4, "unknown operation 'matrix-mak'", suggestion: "did you mean 'matrix-mac'?")
    }

    @Test func pimWithoutDRAM() {
        let extra = #"\#n<pim placement="bank"><macsPerUnit>16</macsPerUnit><compInterval>2</compInterval></pim>"#
        expectError(loadErrors(profile(extra: extra)), line: 6, "a <pim> organization needs a <dram>")
    }

    // MARK: references and hierarchy

    @Test func unknownServedBy() {
        let unit = #"<unit name="mac" kind="matrix" servedBy="dramm"><throughput precision="bf16">1</throughput></unit>"#
        expectError(loadErrors(profile(unit: unit)), line: 4, "unknown memory level in servedBy 'dramm'", suggestion: "did you mean 'dram'?")
    }

    @Test func unknownServes() {
        let memory = #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth><serves>mak</serves></memory>"#
        expectError(loadErrors(profile(memory: memory)), line: 5, "unknown unit or memory level in serves 'mak'", suggestion: "did you mean 'mac'?")
    }

    @Test func unknownLinkEndpoint() {
        let extra = #"\#n<link from="dram" to="npu"><bandwidth>1 GB/s</bandwidth></link>"#
        expectError(loadErrors(profile(extra: extra)), line: 6, "unknown link endpoint 'npu'")
    }

    @Test func disconnectedMemoryLevel() {
        let memory = """
        <memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth><serves>mac</serves></memory>
          <memory name="sram"><capacity>1 MiB</capacity><bandwidth>1 TB/s</bandwidth><serves>mac</serves></memory>
        """
        let unit = #"<unit name="mac" kind="matrix"><throughput precision="bf16">1</throughput></unit>"#
        let xml = profile(unit: unit, memory: memory).replacingOccurrences("<serves>mac</serves></memory>\n", with: "<serves>mac</serves></memory>\n")
        let errors = loadErrors(xml.replacingOccurrences(#"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth><serves>mac</serves>"#,
                                                         with: #"<memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth><serves>mac</serves>"#))
        expectError(errors, line: 6, "memory level 'sram' is not connected to the memory hierarchy under 'dram'")
    }

    @Test func duplicateNamesAndSingletons() {
        let memory = """
        <memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth></memory>
          <memory name="dram"><capacity>1 GiB</capacity><bandwidth>1 GB/s</bandwidth></memory>
          <clock>2 GHz</clock>
        """
        let errors = loadErrors(profile(memory: memory))
        expectError(errors, line: 6, "<memory name='dram'> appears more than once")
        expectError(errors, line: 7, "<clock> appears more than once")
    }

    @Test func severalErrorsAreReportedOnePerLine() throws {
        let memory = #"<memory name="dram"><capacity>-1 GiB</capacity><bandwidth>1 GHz</bandwidth></memory>"#
        let xml = profile(clock: "<clock>0 Hz</clock>", memory: memory)
        do {
            _ = try ProfileLoader.load(xml: xml, file: "many.xml", searchDirectory: nil)
            Issue.record("expected errors")
        } catch let error as ProfileErrors {
            #expect(error.errors.count == 3)
            let lines = error.rendered.split(separator: "\n").filter { $0.hasPrefix("many.xml:") }
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("many.xml:3:1: error: /profile/clock: the clock must be positive") == true)
        }
    }

    // MARK: named parameters

    @Test func duplicateParameterName() {
        let extra = """

          <parameters>
            <parameter name="fa2.combine-step">0.55 us</parameter>
            <parameter name="fa2.combine-step">0.6 us</parameter>
          </parameters>
        """
        let errors = loadErrors(profile(extra: extra), file: "dup.xml")
        expectError(errors, line: 8, "<parameter name='fa2.combine-step'> appears more than once",
                    "/profile/parameters/parameter[@name='fa2.combine-step']", suggestion: "keep one of them")
        #expect(errors.contains { $0.rendered.hasPrefix("dup.xml:8:") })
    }

    @Test func parameterWithAnUnknownUnit() {
        let extra = "\n<parameters><parameter name=\"step\">0.55 uss</parameter></parameters>"
        let errors = loadErrors(profile(extra: extra), file: "unit.xml")
        expectError(errors, line: 6, "unknown unit 'uss'", "/profile/parameters/parameter[@name='step']", suggestion: "did you mean 'us'?")
        #expect(errors.contains { $0.rendered.hasPrefix("unit.xml:6:") })
    }

    @Test func parameterThatIsNotANumber() {
        let extra = "\n<parameters><parameter name=\"fraction\">half</parameter></parameters>"
        expectError(loadErrors(profile(extra: extra)), line: 6, "'half' does not start with a number")
    }

    @Test func parameterWithAnAmbiguousUnit() {
        let extra = "\n<parameters><parameter name=\"chunk\">64 KB</parameter></parameters>"
        expectError(loadErrors(profile(extra: extra)), line: 6, "the unit 'KB' is ambiguous", suggestion: "write 'kB' (1000 B) or 'KiB' (1024 B)")
    }

    @Test func parameterWithoutAName() {
        let extra = "\n<parameters><parameter>1</parameter></parameters>"
        expectError(loadErrors(profile(extra: extra)), line: 6, "'name' is required")
    }

    @Test func parametersBelongUnderTheProfile() {
        let unit = #"<unit name="mac" kind="matrix"><throughput precision="bf16">1</throughput><parameters/></unit>"#
        expectError(loadErrors(profile(unit: unit)), line: 4, "unknown element <parameters>")
    }

    @Test func twoParametersBlocks() {
        let extra = "\n<parameters><parameter name=\"a\">1</parameter></parameters>\n<parameters><parameter name=\"b\">2</parameter></parameters>"
        expectError(loadErrors(profile(extra: extra)), line: 7, "<parameters> appears more than once")
    }

    // MARK: what the GPU engine needs

    @Test func gpuWithoutProcessorsIsRejected() {
        let errors = loadErrors(profile(processors: ""), file: "gpu.xml")
        expectError(errors, line: 2, "/profile: ", "gpu profile 't' has no <processors>",
                    suggestion: "add <processors>N</processors> (the number of SMs; 132 on an H100)")
        #expect(errors.count == 1)
        #expect(errors.first?.elementPath == "/profile")
        #expect(errors.first?.rendered.hasPrefix("gpu.xml:2:") == true)
    }

    @Test func otherKindsWithoutProcessorsStillGetOne() throws {
        for kind in ["npu", "asic", "pim"] {
            let loaded = try ProfileLoader.load(xml: profile(attributes: "name=\"t\" kind=\"\(kind)\"", processors: ""), file: "t.xml", searchDirectory: nil)
            #expect(loaded.processorCount == 1 && !loaded.hasExplicitProcessorCount, "\(kind)")
        }
        let gpu = try ProfileLoader.load(xml: profile(), file: "t.xml", searchDirectory: nil)
        #expect(gpu.hasExplicitProcessorCount && gpu.location == EinsimCore.SourceLocation(file: "t.xml", line: 2, column: 1))
    }

    @Test func gpuProcessorsMayBeInherited() throws {
        let directory = try temporaryDirectory([
            "base.xml": profile(attributes: #"name="base" kind="gpu""#, processors: "<processors>8</processors>"),
            "npu.xml": profile(attributes: #"name="npu" kind="npu""#, processors: ""),
        ])
        defer { removeDirectory(directory) }
        let child = "<?xml version=\"1.0\"?>\n<profile name=\"child\" extends=\"base\"/>"
        let loaded = try ProfileLoader.load(xml: child, file: "child.xml", searchDirectory: directory)
        #expect(loaded.processorCount == 8 && loaded.hasExplicitProcessorCount)
        // Turning an NPU without <processors> into a gpu is caught at the extending profile.
        let gpu = "<?xml version=\"1.0\"?>\n\n<profile name=\"gpu\" kind=\"gpu\" extends=\"npu\"/>"
        let errors = loadErrors(gpu, file: "gpu.xml", searchDirectory: directory)
        expectError(errors, line: 3, "gpu profile 'gpu' has no <processors>")
        #expect(errors.first?.location?.file == "gpu.xml")
    }

    // MARK: inheritance

    @Test func unknownExtendsTarget() {
        let errors = loadErrors(profile(attributes: #"name="t" kind="gpu" extends="nvidia-h100-sx""#))
        expectError(errors, line: 2, "no hardware profile named 'nvidia-h100-sx'", suggestion: "did you mean 'nvidia-h100-sxm'?")
    }

    @Test func inheritanceCycleNamesTheChain() throws {
        let directory = try temporaryDirectory([
            "a.xml": "<?xml version=\"1.0\"?>\n<profile name=\"a\" kind=\"gpu\" extends=\"b\"/>",
            "b.xml": "<?xml version=\"1.0\"?>\n\n<profile name=\"b\" kind=\"gpu\" extends=\"a\"/>",
        ])
        defer { removeDirectory(directory) }
        do {
            _ = try ProfileLoader.load(path: directory + "/a.xml")
            Issue.record("expected a cycle")
        } catch let error as ProfileErrors {
            expectError(error.errors, line: 3, "profiles extend each other in a cycle: a → b → a")
            #expect(error.errors.first?.location?.file == directory + "/b.xml")
        }
    }

    @Test func selfExtension() {
        expectError(loadErrors(profile(attributes: #"name="t" kind="gpu" extends="t""#), searchDirectory: nil), line: 2,
                    "profiles extend each other in a cycle: t → t")
    }

    @Test func errorsInAParentPointAtTheParentFile() throws {
        let directory = try temporaryDirectory([
            "base.xml": profile(attributes: #"name="base" kind="gpu""#, clock: "<clock>fast</clock>"),
        ])
        defer { removeDirectory(directory) }
        let errors = loadErrors(profile(attributes: #"name="child" kind="gpu" extends="base""#, clock: ""), searchDirectory: directory)
        expectError(errors, line: 3, "does not start with a number")
        #expect(errors.first?.location?.file == directory + "/base.xml")
    }

    @Test func inheritanceOverridesByName() throws {
        let directory = try temporaryDirectory(["base.xml": profile(attributes: #"name="base" kind="gpu""#)])
        defer { removeDirectory(directory) }
        let child = """
        <?xml version="1.0"?>
        <profile name="child" extends="base">
          <memory name="dram"><bandwidth>200 GB/s</bandwidth></memory>
          <memory name="sram"><capacity>1 MiB</capacity><bandwidth>1 TB/s</bandwidth></memory>
        </profile>
        """
        let loaded = try ProfileLoader.load(xml: child, file: "child.xml", searchDirectory: directory)
        #expect(loaded.name == "child" && loaded.kind == .gpu)
        #expect(loaded.memory(named: "dram")?.bandwidthBytesPerSecond == 200e9)
        #expect(loaded.memory(named: "dram")?.capacityBytes == 1_073_741_824)
        #expect(loaded.memoryLevels.map(\.name) == ["dram", "sram"])
    }
}

extension String {
    /// `self` with every `target` replaced (test helper; no Foundation).
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = "", rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// Regressions from the bad-input campaign (issue 12): inheritance scales linearly, a flood of
/// problems is reported boundedly, and a rejected clock is not blamed on the parent's cycles.
@Suite("Profile loading limits")
struct ProfileLoadingLimitTests {
    @Test func twentyThousandChildrenExtendingAShippedProfileLoadInLinearTime() throws {
        let levels = (0..<20_000).map { "  <memory name=\"m\($0)\"><capacity>1 GB</capacity><bandwidth>1 TB/s</bandwidth></memory>" }
        let xml = "<?xml version=\"1.0\"?>\n<profile name=\"big\" kind=\"gpu\" extends=\"nvidia-h100-sxm\">\n" + levels.joined(separator: "\n") + "\n</profile>\n"
        let start = ContinuousClock.now
        do {
            _ = try ProfileLoader.load(xml: xml, file: "big.xml", searchDirectory: ProfileLibrary.profilesDirectory)
            Issue.record("disconnected levels should be rejected")
        } catch let errors as ProfileErrors {
            #expect(errors.errors.count == 20_000)
            // The message prints a bounded number of problems and counts the rest.
            let lines = errors.rendered.split(separator: "\n")
            #expect(lines.count < 50)
            #expect(errors.rendered.contains("and 19980 more problems"))
        }
        #expect(ContinuousClock.now - start < .seconds(20), "inheritance must not be quadratic in the children")
    }

    @Test func aRejectedClockIsTheOnlyError() {
        let xml = """
        <?xml version="1.0"?>
        <profile name="fast" kind="gpu" extends="nvidia-h100-sxm">
          <clock>1e300 GHz</clock>
        </profile>
        """
        do {
            _ = try ProfileLoader.load(xml: xml, file: "fast.xml", searchDirectory: ProfileLibrary.profilesDirectory)
            Issue.record("an implausible clock should be rejected")
        } catch let errors as ProfileErrors {
            #expect(errors.errors.count == 1)
            #expect(errors.errors.first?.location?.file == "fast.xml")
            #expect(errors.errors.first?.message.contains("plausible bound") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [("<memory name=\"hbm\"><bandwidth>1e-300 TB/s</bandwidth></memory>", "below the plausible bound of 1 kB/s"),
                      ("<clock>1 Hz</clock>", "below the plausible bound of 1 kHz")])
    func implausiblySmallRatesAreRejectedAlone(override: String, message: String) {
        let xml = "<?xml version=\"1.0\"?>\n<profile name=\"slow\" kind=\"gpu\" extends=\"nvidia-h100-sxm\">\n  \(override)\n</profile>\n"
        do {
            _ = try ProfileLoader.load(xml: xml, file: "slow.xml", searchDirectory: ProfileLibrary.profilesDirectory)
            Issue.record("should be rejected")
        } catch let errors as ProfileErrors {
            #expect(errors.errors.count == 1, "\(errors.rendered)")
            #expect(errors.errors.first?.message.contains(message) == true, "\(errors.rendered)")
            #expect(errors.errors.first?.location?.file == "slow.xml")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// An error that an extending profile causes in an inherited element is placed on the extending
/// profile (issue 12: it was blamed on the shipped parent), naming the inherited element's line.
@Test func aBrokenInheritedReferenceIsBlamedOnTheOverride() {
    let xml = """
    <?xml version="1.0"?>
    <profile name="c" kind="gpu" extends="nvidia-h100-sxm">
      <memory name="l2" remove="true"/>
    </profile>
    """
    do {
        _ = try ProfileLoader.load(xml: xml, file: "child.xml", searchDirectory: ProfileLibrary.profilesDirectory)
        Issue.record("should be rejected")
    } catch let errors as ProfileErrors {
        #expect(errors.errors.allSatisfy { $0.location?.file == "child.xml" }, "\(errors.rendered)")
        #expect(errors.errors.first?.problem.contains("nvidia-h100-sxm.xml") == true)
    } catch {
        Issue.record("unexpected \(error)")
    }
}
