import EinsimCore
@testable import Einsim
@testable import Simulator
import Testing

/// A GEMM runs at its operands' precision: that precision's tensor-core rate, MAC energy and
/// roofline peak (until 2026-12-03 every GEMM ran at the bf16 rate and energy whatever its dtype).
@Suite struct GEMMPrecisionTests {
    static let cube = 8192

    @Test(arguments: ["nvidia-h100-sxm", "nvidia-h200-sxm"])
    func fp8RunsAtTheFP8Rate(profile: String) throws {
        let machine = try Fixtures.machine(profile)
        let bf16 = RooflineEngine().evaluate(gemm: GEMMShape(m: Self.cube, n: Self.cube, k: Self.cube), machine: machine)
        let fp8 = RooflineEngine().evaluate(gemm: GEMMShape(m: Self.cube, n: Self.cube, k: Self.cube, precision: .fp8), machine: machine)
        let speedup = machine.matrixRate(precision: .fp8, path: machine.defaultPath) / machine.matrixRate(precision: .bf16, path: machine.defaultPath)
        #expect(speedup > 1.5, "\(profile): the profile lists fp8 at \(speedup)x bf16")
        // Compute-bound at both precisions: the time follows the rate (the power limit may take some back).
        #expect(fp8.latencySeconds < bf16.latencySeconds / (0.8 * speedup), "\(fp8.latencySeconds) s against bf16 \(bf16.latencySeconds) s")
        #expect(fp8.latencySeconds >= fp8.rooflineSeconds, "latency under its own roofline")
        #expect(fp8.peakFLOPS > 1.5 * bf16.peakFLOPS)
    }

    @Test func eachPrecisionChargesItsMACEnergy() throws {
        let machine = try Fixtures.machine("nvidia-h200-sxm")
        for precision in [Precision.fp16, .tf32, .fp8, .int8] {
            let view = machine.view(operands: precision)
            #expect(view.energyPerMAC(path: view.defaultPath) == machine.energyPerMAC(precision: precision, path: machine.defaultPath), "\(precision)")
        }
        #expect(machine.view(operands: .bf16).energyPerMAC(path: machine.defaultPath) == machine.energyPerMAC(path: machine.defaultPath))
    }

    /// The H200's GEMMs at five precisions (Calibration/precision_gemm.py): each precision's rate
    /// and MAC energy set from its 8192^3 product, the 4096^3 one held out.
    @Test func theMeasuredPrecisionsMatch() throws {
        let report = try AccuracyReport.run(path: Fixtures.repositoryRoot + "/Calibration/results/h200-precision-gemm-2026-12-03.jsonl",
                                            profile: ProfileResolver.load("nvidia-h200-sxm"))
        #expect(report.groups.map(\.name).sorted() == ["gemm", "gemm/fp16", "gemm/fp8", "gemm/int8", "gemm/tf32"])
        for group in report.groups {
            #expect((group.latencyMedianAPE ?? 100) <= 6, "\(group.name) latency \(group.latencyMedianAPE ?? -1)%")
            #expect((group.energyMedianAPE ?? 100) <= 5, "\(group.name) energy \(group.energyMedianAPE ?? -1)%")
        }
    }

    @Test func anUnknownPathIsAnInputError() throws {
        let machine = try Fixtures.machine("nvidia-h200-sxm")
        #expect(throws: SimpleInputError.self) {
            _ = try RooflineEngine().evaluate(gemm: GEMMShape(m: 64, n: 64, k: 64, precision: .int8), machine: machine, path: "dp4a")
        }
        let r = try RooflineEngine().evaluate(gemm: GEMMShape(m: 8192, n: 8192, k: 8192, precision: .int8), machine: machine, path: "mma.sync")
        let fastest = RooflineEngine().evaluate(gemm: GEMMShape(m: 8192, n: 8192, k: 8192, precision: .int8), machine: machine)
        #expect(r.latencySeconds > fastest.latencySeconds, "the int8 wgmma lead is faster than the measured mma.sync kernel")
    }
}
