import Einsim
import Testing

/// End-to-end runs apply the same workload limits as attention runs: no overflow trap from flags.
struct EndToEndLimitsTests {
    @Test func hugeTokenCountsAreBadInputNotATrap() {
        let (status, _) = CLI.run(["simulate", "--scope", "end-to-end", "--model", "llama-3-8b", "--phase", "prefill",
                                   "--seq", "1099511627776", "--batch", "1099511627776"])
        #expect(status == 2)
        let (decode, _) = CLI.run(["simulate", "--scope", "end-to-end", "--model", "llama-3-8b", "--phase", "decode",
                                   "--seq", "1099511627776", "--batch", "4096"])
        #expect(decode == 2)
    }
}
