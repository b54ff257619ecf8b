import Einsim
import Foundation
import Testing

/// FuseMax vs FLAT vs unfused (Nayak et al., MICRO 2024) reproduced by einsim's own mapper,
/// engine and profiles over the paper's 24 points (BERT, TrXL, T5, XLM × 1K … 1M, batch 64):
/// the headline means within 10% and the per-point pattern.
struct FuseMaxReproductionTests {
    static let example = DeterminismTests.root + "/Examples/fusemax-vs-flat.xml"

    static func compare() throws -> [String: Any] {
        let (status, out) = CLI.run(["compare", example, "--format", "json"])
        #expect(status == 0, "\(out.prefix(500))")
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func headlineMeansWithinTenPercentAndThePerPointPattern() throws {
        let json = try Self.compare()
        let means = try #require(json["means"] as? [[String: Any]])
        func mean(_ scope: String, _ versus: String) throws -> (Double, Double) {
            let m = try #require(means.first { $0["scope"] as? String == scope && $0["versus"] as? String == versus })
            return (m["mean_speedup"] as? Double ?? 0, m["mean_energy_ratio"] as? Double ?? 0)
        }
        func within(_ x: Double, _ target: Double) -> Bool { abs(x / target - 1) <= 0.10 }
        let (s1, e1) = try mean("attention", "flat")
        #expect(within(s1, 6.7) && within(e1, 0.79), "attention vs FLAT \(s1)x \(e1)")
        let (s2, e2) = try mean("attention", "unfused")
        #expect(within(s2, 10) && within(e2, 0.77), "attention vs unfused \(s2)x \(e2)")
        let (s3, e3) = try mean("end-to-end", "flat")
        #expect(within(s3, 5.3) && within(e3, 0.83), "end-to-end vs FLAT \(s3)x \(e3)")
        // XLM gains about half of what the others gain; gains grow with the sequence length.
        let points = try #require(json["points"] as? [[String: Any]]).filter { $0["scope"] as? String == "attention" }
        func speedup(_ model: String, _ seq: Int) -> Double {
            points.first { $0["model"] as? String == model && ($0["seq"] as? Double).map(Int.init) == seq }?["speedup_vs_flat"] as? Double ?? 0
        }
        for seq in [1024, 65536] {
            let ratio = speedup("xlm", seq) / speedup("bert", seq)
            #expect(ratio > 0.4 && ratio < 0.65, "xlm/bert at \(seq): \(ratio)")
        }
        for model in ["bert", "xlm"] { #expect(speedup(model, 1 << 20) > speedup(model, 1024)) }
    }

    @Test func twoDimensionalArrayUtilization() throws {
        let (status, out) = CLI.run(["simulate", Self.example, "--format", "json"])
        #expect(status == 0, "\(out.prefix(500))")
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        #expect(results.count == 4 * 6 * 3 * 2)
        func util(_ configuration: String, _ model: String, _ seq: Int) -> Double {
            for r in results where r["configuration"] as? String == configuration && r["model"] as? String == model
                && r["scope"] as? String == "attention" && (r["kv_len"] as? Double).map(Int.init) == seq {
                return (r["utilization"] as? [String: Double])?["pe-2d"] ?? -1
            }
            return -1
        }
        #expect(util("fusemax", "bert", 1024) >= 0.85)
        #expect(util("fusemax", "bert", 1 << 20) >= 0.98)
        #expect(util("fusemax", "bert", 1 << 20) > util("fusemax", "bert", 1024))
        for seq in [1024, 16384, 65536] {
            #expect(abs(util("flat", "bert", seq) - 0.125) < 0.02, "FLAT BERT at \(seq)")
            #expect(abs(util("flat", "xlm", seq) - 0.25) < 0.04, "FLAT XLM at \(seq)")
        }
        for r in results {
            #expect(r["configuration"] != nil && r["model"] != nil && r["scope"] != nil)
            for (_, u) in (r["utilization"] as? [String: Double]) ?? [:] { #expect(u >= 0 && u <= 1) }
        }
    }

    /// Random search is deterministic for a seed; heuristic and random searches find mappings no
    /// better than the exhaustive one; a bad <seqs> entry in a study file is located.
    @Test func searchModesAndStudyFileErrors() throws {
        let shape = AttentionShape(batch: 8, heads: 12, qLen: 4096, headDim: 64)
        let profile = try ProfileResolver.load("fusemax")
        let options = SpatialSearch.Options(mode: .random, seed: 7, samples: 2000)
        let a = try Experiment.simulateOnTarget(shape: shape, profile: profile, search: options)
        let b = try Experiment.simulateOnTarget(shape: shape, profile: profile, search: options)
        #expect(a.latencySeconds == b.latencySeconds && a.loopNest == b.loopNest)
        let exhaustive = try Experiment.simulateOnTarget(shape: shape, profile: profile)
        let heuristic = try Experiment.simulateOnTarget(shape: shape, profile: profile, search: .init(mode: .heuristic))
        #expect(exhaustive.latencySeconds <= heuristic.latencySeconds * (1 + 1e-9))
        #expect(exhaustive.latencySeconds <= a.latencySeconds * (1 + 1e-9))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-study-\(getpid()).xml").path
        try "<experiment><configuration name=\"a\" hardware=\"fusemax\"/><models>bert</models>\n<seqs>1024 many</seqs></experiment>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (status, _, err) = AdversarialInputTests.run(["simulate", path])
        #expect(status == 2 && err.contains(":2:") && err.contains("many"), "\(err)")
        // A serving study's <datasets>: names or IN:OUT, a bad one located with what would do.
        try "<experiment><configuration name=\"a\" hardware=\"neupims\" mapping=\"npu-only\"/><models>gpt-3-6.7b</models>\n<datasets>alpaca 2048:x</datasets></experiment>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (datasetStatus, _, datasetError) = AdversarialInputTests.run(["simulate", path])
        #expect(datasetStatus == 2 && datasetError.contains(":2:") && datasetError.contains("2048:x") && datasetError.contains("IN:OUT"), "\(datasetError)")
    }
}
