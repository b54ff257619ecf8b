import Einsim
import Testing

@Suite struct FormatTests {
    @Test func hugeAndOddNumbersNeverTrap() {
        #expect(Format.fixed(5e18, 2).contains("e+18"))
        #expect(Format.fixed(-1e300, 1).contains("e+300"))
        #expect(Format.fixed(.nan, 2) == "n/a")
        #expect(Format.fixed(1.005, 2) == "1.00" || Format.fixed(1.005, 2) == "1.01")
        #expect(Format.fixed(-0.25, 1) == "-0.3" || Format.fixed(-0.25, 1) == "-0.2")
        #expect(Format.joules(5e18).hasSuffix("J"))
    }
}
