import EinsimCLI
import Foundation
import Testing

/// `--scope end-to-end`, `--steps`, the attention share, the Models section and bad specs.
@Suite struct EndToEndCLITests {
    @Test func endToEndJSONCarriesScopeAndAttentionShare() throws {
        let r = CLI.run(["simulate", "--model", "llama-3-8b", "--seq", "2048", "--scope", "end-to-end", "--kernel", "fa3", "--format", "json"])
        #expect(r.status == 0)
        #expect(r.output.contains("\"scope\": \"end-to-end\"") || r.output.contains("\"scope\":\"end-to-end\""))
        #expect(r.output.contains("attention_share"))
    }

    @Test func compareShowsTheAttentionShare() {
        let r = CLI.run(["compare", "--model", "wan2.1-1.3b", "--seq", "4096", "--scope", "end-to-end", "--steps", "2",
                         "--kernel", "flex", "--variant", "block-sparse:density=0.2,block=128"])
        #expect(r.status == 0)
        #expect(r.output.contains("attention share"))
    }

    @Test func listHasModelsAndAlgebraVariants() {
        let r = CLI.run(["list"])
        #expect(r.status == 0)
        #expect(r.output.contains("Models:") && r.output.contains("deepseek-v3") && r.output.contains("sla:critical"))
    }

    @Test func algebraVariantsRunFromTheCLI() {
        for spec in ["linear", "sla:critical=0.05,marginal=0.1", "mla", "moh:active=0.5", "precision:qk=int4,pv=fp8", "kv-cache:bits=4"] {
            let r = CLI.run(["simulate", "--heads", "8", "--kv-heads", "1", "--q-len", "1", "--kv-len", "4096", "--head-dim", "128",
                             "--kernel", "fa2", "--variant", spec])
            #expect(r.status == 0, "spec: \(spec)")
        }
    }

    @Test func badInputExitsTwo() {
        let bad: [[String]] = [
            ["--variant", "moh:active=2"], ["--variant", "precision:qk=int3"], ["--variant", "kv-cache:bits=3"],
            ["--variant", "sla:critical=0.8,marginal=0.5"], ["--variant", "linear:blk=3"], ["--variant", "mla:latent=x"],
            ["--scope", "end-to-end"], ["--steps", "4"], ["--scope", "everything"],
        ]
        for extra in bad {
            let r = EinsimCommand.capture(arguments: ["simulate", "--heads", "8", "--q-len", "512", "--head-dim", "64"] + extra)
            #expect(r.status == 2, "arguments: \(extra)")
            #expect(!r.error.isEmpty, "arguments: \(extra)")
        }
        let steps = EinsimCommand.capture(arguments: ["simulate", "--model", "wan2.1-1.3b", "--seq", "1024", "--scope", "end-to-end", "--steps", "0"])
        #expect(steps.status == 2)
    }
}
