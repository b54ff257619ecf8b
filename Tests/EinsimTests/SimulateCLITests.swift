import Einsim
import Foundation
import Testing

/// The CLI contract of DESIGN.md: names, JSON fields, exit statuses.
@Suite(.serialized) struct SimulateCLITests {
    static let contractFields = ["hardware", "variant", "kernel", "engine", "model", "phase", "scope", "batch", "heads",
                                 "kv_heads", "q_len", "kv_len", "head_dim", "causal", "latency_s", "energy_j", "flops", "dram_bytes"]

    @Test func simulateJSONHasTheContractFields() throws {
        let (status, out) = CLI.run(["simulate", "--hardware", "nvidia-h100-sxm", "--batch", "1", "--heads", "32",
                                     "--q-len", "32768", "--head-dim", "128", "--kernel", "fa2", "--format", "json"])
        #expect(status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let results = try #require(json?["results"] as? [[String: Any]])
        #expect(results.count == 1)
        for field in Self.contractFields { #expect(results[0].keys.contains(field), "missing \(field)") }
        #expect(results[0]["kernel"] as? String == "fa2")
        #expect(results[0]["scope"] as? String == "attention")
        let latency = try #require(results[0]["latency_s"] as? Double)
        #expect(latency > 0.04 && latency < 0.06, "FA2 at 32K measured 50.5 ms")
    }

    @Test func tableShowsLatencyThroughputRooflineEnergyAndBound() {
        let (status, out) = CLI.run(["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--kernel", "cudnn"])
        #expect(status == 0)
        for column in ["latency", "TFLOP/s", "% roofline", "energy", "bound"] { #expect(out.contains(column)) }
    }

    @Test func modelPresetsAndVariantsAndCompare() {
        let (s1, o1) = CLI.run(["simulate", "--model", "llama-3-8b", "--phase", "decode", "--seq", "8192", "--format", "csv"])
        #expect(s1 == 0 && o1.contains("llama-3-8b"))
        let (s2, o2) = CLI.run(["compare", "--heads", "32", "--q-len", "8192", "--head-dim", "128", "--kernel", "flex",
                                "--variant", "block-sparse:density=0.25,block=128", "--variant", "sliding-window:window=1024"])
        #expect(s2 == 0 && o2.contains("speedup") && o2.contains("sliding-window"))
    }

    @Test(arguments: [
        ["simulate", "--heads", "32", "--q-len", "4096"],
        ["simulate", "--heads", "0", "--q-len", "4096", "--head-dim", "128"],
        ["simulate", "--model", "llama-3-9b", "--seq", "10"],
        ["simulate", "--model", "llama-3-8b", "--phase", "prefil", "--seq", "10"],
        ["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--variant", "block-sparse:densty=0.1"],
        ["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--variant", "block-sparse:density=2"],
        ["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--variant", "swirly"],
        ["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--kernel", "fa9"],
        ["simulate", "--heads", "32", "--kv-heads", "5", "--q-len", "4096", "--head-dim", "128"],
        ["simulate", "--heads", "32", "--q-len", "99999999999999999999", "--head-dim", "128"],
        ["accuracy", "/nonexistent/file.jsonl"],
        ["frobnicate"],
    ])
    func badInputExitsTwo(arguments: [String]) {
        #expect(CLI.run(arguments).status == 2, "\(arguments)")
    }

    @Test func cycleEngineRunsAndRefusesWhatItDoesNotCover() {
        let (status, out) = CLI.run(["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--engine", "cycle", "--format", "json"])
        #expect(status == 0 && out.contains("\"engine\":\"cycle\""), "\(out.prefix(300))")
        // GPU variants run on the cycle engine too (their kernels as tile loops)…
        let (s2, out2) = CLI.run(["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--engine", "cycle",
                                  "--variant", "top-k:keep=4,block=128", "--variant", "linear", "--format", "json"])
        #expect(s2 == 0 && out2.components(separatedBy: "\"engine\":\"cycle\"").count == 3, "\(out2.prefix(300))")
        // …and so do predictor passes and algebra variants on a spatial array (their passes as pipelined loops).
        let (s4, out4) = CLI.run(["simulate", "--hardware", "fusemax", "--heads", "16", "--q-len", "4096", "--head-dim", "64", "--engine", "cycle",
                                  "--variant", "top-k:keep=4,block=128", "--variant", "linear", "--format", "json"])
        #expect(s4 == 0 && out4.components(separatedBy: "\"engine\":\"cycle\"").count == 3, "\(out4.prefix(300))")
        // End to end on the cycle engine: GPU and spatial.
        for hardware in ["nvidia-h100-sxm", "fusemax"] {
            let (s3, out3) = CLI.run(["simulate", "--hardware", hardware, "--model", "bert", "--phase", "prefill", "--seq", "2048",
                                      "--scope", "end-to-end", "--engine", "cycle", "--format", "json"])
            #expect(s3 == 0 && out3.contains("\"engine\":\"cycle\""), "\(hardware): \(out3.prefix(300))")
        }
        #expect(CLI.run(["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--engine", "warp"]).status == 2)
        #expect(CLI.run(["simulate", "--heads", "32", "--q-len", "4096", "--head-dim", "128", "--trace", "/tmp/x.json"]).status == 2)
    }

    @Test func accuracyJSONKeepsEveryRowInOrder() throws {
        let path = Fixtures.root + "/Calibration/results/shared-h100-sxm-attention-2026-11-22.jsonl"
        let (status, out) = CLI.run(["accuracy", path, "--hardware", "nvidia-h100-sxm", "--format", "json"])
        #expect(status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 33)
        #expect(rows[0]["skipped"] != nil)
        #expect(rows[4]["predicted_ms"] != nil && rows[4]["latency_ape"] != nil)
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["latency_median_ape"] is Double && summary["energy_median_ape"] is Double)
        #expect((summary["groups"] as? [Any])?.count == 5)
    }
}

enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
}
