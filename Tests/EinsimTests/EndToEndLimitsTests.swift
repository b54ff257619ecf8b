import Einsim
import EinsimCLI
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

/// Small input errors found by QA: each is exit 2 with a helpful message.
struct SmallInputErrorTests {
    @Test func duplicateVariantParameterIsAnError() {
        let (status, _, out) = EinsimCommand.capture(arguments: ["simulate", "--heads", "8", "--q-len", "64", "--head-dim", "64",
                                                                 "--variant", "block-sparse:density=0.2,density=0.3"])
        #expect(status == 2 && out.contains("given twice"), "\(out)")
    }

    @Test func aDirectoryIsNotAProfile() {
        let (status, _, out) = EinsimCommand.capture(arguments: ["simulate", "--hardware", "/tmp", "--heads", "8", "--q-len", "64", "--head-dim", "64"])
        #expect(status == 2 && out.contains("is a directory"), "\(out)")
    }

    @Test func validateTakesAShippedName() {
        let (status, out) = CLI.run(["validate", "nvidia-h100-sxm"])
        #expect(status == 0 && out.contains("valid"), "\(out)")
    }
}
