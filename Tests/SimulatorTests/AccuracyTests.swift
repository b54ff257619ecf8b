import Foundation
import Einsim
import Testing

/// The H100 predictions against real measurements (shared calibration file and the held-out
/// shapes measured for this project), per (phase, backend) group.
@Suite struct AccuracyTests {
    static let sharedFile = Fixtures.repositoryRoot + "/Calibration/results/shared-h100-sxm-attention-2026-11-22.jsonl"
    static let heldOutFile = Fixtures.repositoryRoot + "/Calibration/results/h100-attention-extra-2026-11-22.jsonl"

    @Test func sharedCalibrationFileMeetsTheBar() throws {
        let report = try AccuracyReport.run(path: Self.sharedFile, profile: ProfileResolver.load("nvidia-h100-sxm"))
        #expect(report.rows.count == 33, "one output row per input row")
        #expect(report.rows.filter { $0.skipped != nil }.count == 4, "ceiling, device and idle rows are skipped with a reason")
        for group in report.groups {
            let bar = group.name.hasPrefix("blocksparse") ? 12.0 : 10.0
            #expect((group.latencyMedianAPE ?? 100) <= bar, "group \(group.name): \(group.latencyMedianAPE ?? -1)%")
            if let e = group.energyMedianAPE { #expect(e <= 15, "group \(group.name) energy \(e)%") }
        }
        #expect((report.overall.energyMedianAPE ?? 100) <= 15)
    }

    @Test func heldOutShapesStayWithinFifteenPercent() throws {
        let report = try AccuracyReport.run(path: Self.heldOutFile, profile: ProfileResolver.load("nvidia-h100-sxm"))
        #expect(report.groups.count >= 6)
        for group in report.groups {
            #expect((group.latencyMedianAPE ?? 100) <= 15, "group \(group.name): \(group.latencyMedianAPE ?? -1)%")
        }
    }

    @Test func h200PredictionsFromTheH100CalibrationHold() throws {
        // Measured on an H200 (same compute, HBM3e): nothing in the model was fitted to these.
        let path = Fixtures.repositoryRoot + "/Calibration/results/h200-validation-2026-11-22.jsonl"
        let report = try AccuracyReport.run(path: path, profile: ProfileResolver.load("nvidia-h200-sxm"))
        #expect((report.overall.latencyMedianAPE ?? 100) <= 10)
        for group in report.groups { #expect((group.latencyMedianAPE ?? 100) <= 15, "\(group.name)") }
    }

    @Test func heldOutEnergiesStayWithinFifteenPercent() throws {
        let path = Fixtures.repositoryRoot + "/Calibration/results/h100-l2-and-power-2026-11-22.jsonl"
        let report = try AccuracyReport.run(path: path, profile: ProfileResolver.load("nvidia-h100-sxm"))
        #expect((report.overall.energyMedianAPE ?? 100) <= 15)
        #expect((report.overall.latencyMedianAPE ?? 100) <= 10)
    }

    @Test func malformedMeasurementLineIsAnInputErrorWithItsLine() throws {
        let path = NSTemporaryDirectory() + "einsim-bad-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        try "{\"kind\": \"gemm\", \"M\": 16, \"N\": 16, \"K\": 16, \"ms\": 0.01}\n{not json\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try AccuracyReport.run(path: path, profile: ProfileResolver.load("nvidia-h100-sxm"))
        } throws: { error in
            (error as? InputError)?.location?.line == 2
        }
    }
}

/// Rows a user's file may hold that the model must refuse cleanly (skipped with a reason).
@Suite struct AccuracyInputTests {
    @Test func outOfRangeRowsAreSkippedNotTrapped() throws {
        let path = NSTemporaryDirectory() + "einsim-huge-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        let rows = [
            #"{"kind":"attn","backend":"flash","B":1e15,"Hq":1e15,"Lq":1e9,"Lkv":1e9,"D":128,"ms":1}"#,
            #"{"kind":"gemm","M":1e18,"N":1,"K":1,"ms":1}"#,
            #"{"kind":"gemm","M":64,"N":64,"K":64,"dtype":"int4","ms":1}"#,
            #"{"kind":"gemm","M":64,"N":64,"K":64,"dtype":"e5m2","ms":1}"#,
            #"{"kind":"gemm","M":64,"N":64,"K":64,"dtype":"fp32","ms":1}"#,
            #"{"kind":"gemm","M":64,"N":64,"K":64,"dtype":"int8","path":"dp4a","ms":1}"#,
            #"{"kind":"attn","phase":"sliding_window","backend":"flex","B":1,"Hq":1,"Lq":100,"Lkv":100,"D":64,"window":-5,"ms":1}"#,
            #"{"kind":"attn","phase":"blocksparse_random","backend":"flex","B":1,"Hq":1,"Lq":100,"Lkv":100,"D":64,"density":-5,"ms":1}"#,
            #"{"kind":"attn","backend":"flash","B":1,"Hq":3,"Hkv":2,"Lq":100,"Lkv":100,"D":64,"ms":1}"#,
            #"{"kind":"attn","backend":"tpu","B":1,"Hq":1,"Lq":100,"Lkv":100,"D":64,"ms":1,"extra":{"kept":true}}"#,
        ]
        try rows.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let report = try AccuracyReport.run(path: path, profile: ProfileResolver.load("nvidia-h100-sxm"))
        #expect(report.rows.count == rows.count)
        #expect(report.rows.allSatisfy { $0.skipped != nil })
        #expect(report.rows.last?.input["extra"] != nil, "unknown fields are carried through")
        #expect(report.rows[2].skipped?.contains("dtype 'int4'") == true, "\(report.rows[2].skipped ?? "-")")
        #expect(report.rows[4].skipped?.contains("dtype 'fp32'") == true, "\(report.rows[4].skipped ?? "-")")
        #expect(report.rows[5].skipped?.contains("matrix path 'dp4a'") == true, "\(report.rows[5].skipped ?? "-")")
    }

    /// A GEMM row's `dtype` picks the precision it is predicted at (its own group).
    @Test func gemmRowsArePredictedAtTheirDtype() throws {
        let path = NSTemporaryDirectory() + "einsim-gemm-dtype-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try [#"{"kind":"gemm","M":8192,"N":8192,"K":8192,"dtype":"bf16","ms":1.6}"#,
             #"{"kind":"gemm","M":8192,"N":8192,"K":8192,"dtype":"fp8","ms":0.9}"#].joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let report = try AccuracyReport.run(path: path, profile: ProfileResolver.load("nvidia-h200-sxm"))
        #expect(report.groups.map(\.name).sorted() == ["gemm", "gemm/fp8"])
        let predicted = report.rows.compactMap { $0.predictedMs }
        #expect(predicted.count == 2 && predicted[1] < 0.7 * predicted[0], "\(predicted)")
    }
}

/// A measured time outside 1 ns … 1 hour is skipped with its reason, not scored as a 0% error.
@Test func implausibleMeasurementsAreSkipped() throws {
    let path = NSTemporaryDirectory() + "implausible-\(getpid()).jsonl"
    try #"{"kind": "attn", "phase": "decode", "backend": "flash", "B": 1, "Hq": 32, "Hkv": 8, "Lq": 1, "Lkv": 16384, "D": 128, "causal": false, "ms": 1e-320}"#
        .write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let report = try AccuracyReport.run(path: path, profile: try ProfileResolver.load("nvidia-h100-sxm"))
    #expect(report.rows.allSatisfy { $0.skipped != nil })
}
