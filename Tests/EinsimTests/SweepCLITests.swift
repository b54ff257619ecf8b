import Einsim
import Foundation
import Testing

/// `einsim sweep`: grids over workload and profile parameters.
@Suite struct SweepCLITests {
    @Test func rangesExpand() throws {
        #expect(try SweepParameter.parse("seq=1024:16384:x2").values == ["1024", "2048", "4096", "8192", "16384"])
        #expect(try SweepParameter.parse("head-dim=64:256:+64").values == ["64", "128", "192", "256"])
        #expect(try SweepParameter.parse("hbm.bandwidth=2TB/s, 4.8TB/s").values == ["2TB/s", "4.8TB/s"])
    }

    @Test func gridRunsEveryPointAndProfileEditsApply() throws {
        let (status, out) = CLI.run(["sweep", "--model", "llama-3-8b", "--phase", "decode", "--seq", "16384", "--batch", "16",
                                     "--kernel", "cudnn", "--sweep", "hbm.bandwidth=2TB/s,3.35TB/s", "--sweep", "batch=8,16", "--format", "json"])
        #expect(status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 4)
        let latencies = results.compactMap { $0["latency_s"] as? Double }
        // Memory-bound decode: more bandwidth is faster at the same batch.
        #expect(latencies[0] > latencies[2] && latencies[1] > latencies[3])
    }

    @Test(arguments: [["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64"],
                      ["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--sweep", "procesors=10"],
                      ["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--sweep", "seq=1:1000000000:+1"],
                      ["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--sweep", "clock=fast"],
                      ["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--sweep", "clock=2GB/s"],
                      ["sweep", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--sweep", "hbn.bandwidth=1TB/s"]])
    func badSweepsExitTwo(arguments: [String]) {
        #expect(CLI.run(arguments).status == 2, "\(arguments)")
    }
}
