import Einsim
import Foundation
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

/// `--mapping` names a mapping preset; `--kernel` stays its alias.
@Test func mappingFlagIsTheKernelFlag() {
    let shape = ["--heads", "8", "--q-len", "2048", "--head-dim", "64", "--format", "json"]
    let a = CLI.run(["simulate", "--mapping", "fa2"] + shape), b = CLI.run(["simulate", "--kernel", "fa2"] + shape)
    #expect(a.0 == 0 && a.1 == b.1, "\(a.1.prefix(200))")
    #expect(a.1.replacingOccurrences(of: " ", with: "").contains("\"kernel\":\"fa2\""), "\(a.1.prefix(200))")
    let (status, list) = CLI.run(["list"])
    #expect(status == 0 && list.contains("spatial mapper") && list.contains("GPU kernels"))
}

/// One profile that cannot simulate the request does not hide the others' results: they are
/// printed, and the run still exits 1 with the reason.
@Test func aFailingProfileDoesNotHideTheOthers() {
    // A 21.5 GB KV cache fits the H100's 80 GB, not the edge array's 16 GiB of DRAM.
    let (status, out, err) = EinsimCommand.capture(arguments: ["simulate", "--hardware", "nvidia-h100-sxm", "--hardware", "flat-edge",
                                                               "--batch", "80", "--heads", "8", "--q-len", "1", "--kv-len", "65536",
                                                               "--head-dim", "128"])
    #expect(status == 1)
    #expect(out.contains("nvidia-h100-sxm"), "\(out)")
    #expect(err.contains("flat-edge") && err.contains("main-memory capacity"), "\(err)")
}
