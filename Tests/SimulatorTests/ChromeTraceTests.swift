import Testing
import Foundation
import HardwareModel
@testable import Simulator

/// "pid/tid" of a parsed trace event.
private func key(_ event: [String: Any]) -> String {
    "\((event["pid"] as? Int) ?? -1)/\((event["tid"] as? Int) ?? -1)"
}

@Suite("Chrome trace")
struct ChromeTraceTests {
    @Test func traceParsesBackWithTracksAndEvents() throws {
        var body = pipeline(load: 1, compute: 3, store: 1, depth: 2)
        body.tasks[0].name = "load \"tile\""
        let problem = body.unrolled(4)
        let schedule = try EventScheduler.schedule(problem)
        let trace = ChromeTrace.from(schedule, problem: problem, secondsPerUnit: 1e-6) { task in
            let resource = problem.tasks[task].resource
            return ChromeTrace.Track(process: resource == 1 ? "npu" : "memory", thread: problem.resources[resource].name)
        }
        let json = trace.json
        #expect(json == trace.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let metadata = events.filter { $0["ph"] as? String == "M" }
        let complete = events.filter { $0["ph"] as? String == "X" }
        #expect(complete.count == 12)
        let processNames = metadata.filter { $0["name"] as? String == "process_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(Set(processNames) == ["npu", "memory"])
        let threadNames = metadata.filter { $0["name"] as? String == "thread_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(Set(threadNames) == ["dma", "pe", "out"])
        // every complete event sits on a named (pid, tid) and keeps its time in microseconds
        let named = Set(metadata.filter { $0["name"] as? String == "thread_name" }.map { key($0) })
        for event in complete { #expect(named.contains(key(event))) }
        let loads = complete.filter { $0["name"] as? String == "load \"tile\"" }
        #expect(loads.count == 4 && (loads.first?["dur"] as? Double) == 1)
        let computeStarts = complete.filter { $0["name"] as? String == "compute" }.compactMap { $0["ts"] as? Double }
        #expect(computeStarts == [1, 4, 7, 10])
    }

    @Test func commandTraceHasOneTrackPerBankGroup() throws {
        let profile = try ProfileLibrary.load("neupims")
        let timing = try DRAMCommandTiming(dram: #require(profile.dram), pim: profile.pim)
        let result = timing.streamingRead(bytes: 32 * 4096, refresh: false, recording: true)
        let trace = ChromeTrace.from(commands: result.log, tCKSeconds: 1e-9, device: "hbm", bus: "ch0")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(trace.json.utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        #expect(events.filter { $0["ph"] as? String == "X" }.count == result.log.count)
        #expect(trace.tracks.count == 4)  // 4 rows: bank groups 0-3 of rank 0
        #expect(ChromeTrace.microseconds(1.5e-9) == "0.0015" && ChromeTrace.microseconds(2e-6) == "2")
    }
}
