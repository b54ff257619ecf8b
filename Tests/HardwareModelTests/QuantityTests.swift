import Testing
@testable import HardwareModel

@Suite("Quantities with units")
struct QuantityTests {
    private func value(_ text: String, _ dimension: Dimension) throws -> Double {
        try Quantity.parse(text, as: dimension).value
    }

    @Test func siAndBinaryPrefixesAreExact() throws {
        #expect(try value("1 kB", .bytes) == 1000)
        #expect(try value("1 KiB", .bytes) == 1024)
        #expect(try value("50 MiB", .bytes) == 50 * 1_048_576)
        #expect(try value("80 GB", .bytes) == 80e9)
        #expect(try value("1 GiB", .bytes) == 1_073_741_824)
        #expect(try value("1 TiB", .bytes) == 1_099_511_627_776)
        #expect(try value("64 bit", .bytes) == 8)
        #expect(try value("1 GB/s", .bandwidth) == 1e9)
        #expect(try value("3.35 TB/s", .bandwidth) == 3.35e12)
        #expect(try value("400 GiB/s", .bandwidth) == 400 * 1_073_741_824)
        #expect(try value("8 Gbit/s", .bandwidth) == 1e9)
    }

    @Test func everyDimension() throws {
        #expect(try value("1.755 GHz", .frequency) == 1.755e9)
        #expect(try value("940 MHz", .frequency) == 940e6)
        #expect(try value("17.16 pJ", .energy) == 17.16e-12)
        #expect(try value("17.16 pJ/op", .energy) == 17.16e-12)
        #expect(try value("249.6 pJ/access", .energy) == 249.6e-12)
        #expect(try value("0.8 nJ", .energy) == 0.8e-9)
        #expect(try value("3.9 pJ/bit", .energyPerBit) == 3.9e-12)
        #expect(try value("8 pJ/B", .energyPerBit) == 1e-12)
        #expect(try value("700 W", .power) == 700)
        #expect(try value("130 mW", .power) == 0.13)
        #expect(try value("14 cycles", .cycles) == 14)
        #expect(try value("14", .cycles) == 14)
        #expect(try value("2048 MAC/cycle", .perCycle) == 2048)
        #expect(try value("0.769 ns", .time) == 0.769e-9)
        #expect(try value("2 us", .time) == 2e-6)
        #expect(try value("2 µs", .time) == 2e-6)
        #expect(try value("2 μs", .time) == 2e-6)
        #expect(try value("1.5e3 s", .time) == 1500)
        #expect(try value("132", .dimensionless) == 132)
        #expect(try value("  3.35TB/s ", .bandwidth) == 3.35e12)
    }

    @Test func wrongDimensionNamesTheExpectedOne() {
        #expect(throws: Quantity.ParseError.wrongDimension(unit: "GHz", got: .frequency, expected: .bandwidth)) {
            try Quantity.parse("1.8 GHz", as: .bandwidth)
        }
        let error = Quantity.ParseError.wrongDimension(unit: "GHz", got: .frequency, expected: .bandwidth)
        #expect(error.description == "expected a bandwidth (B/s) but got 'GHz' (a frequency (Hz))")
    }

    @Test func errorCases() {
        #expect(throws: Quantity.ParseError.missingUnit(text: "1024", expected: .bytes)) { try Quantity.parse("1024", as: .bytes) }
        #expect(throws: Quantity.ParseError.empty(expected: .power)) { try Quantity.parse("  ", as: .power) }
        #expect(throws: Quantity.ParseError.notANumber(text: "fast", expected: .frequency)) { try Quantity.parse("fast", as: .frequency) }
        #expect(throws: Quantity.ParseError.notANumber(text: "inf GHz", expected: .frequency)) { try Quantity.parse("inf GHz", as: .frequency) }
        #expect(throws: Quantity.ParseError.notANumber(text: "1.2.3 GHz", expected: .frequency)) { try Quantity.parse("1.2.3 GHz", as: .frequency) }
        do {
            _ = try Quantity.parse("100 GB/sec", as: .bandwidth)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("unknown unit 'GB/sec'"))
            #expect(error.suggestion == "did you mean 'GB/s'?")
        }
        do {
            _ = try Quantity.parse("32 KB", as: .bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.suggestion?.contains("KiB") == true)
        }
    }
}
