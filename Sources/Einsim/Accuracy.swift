import EinsimCore
import Foundation
import HardwareModel
import Mapper
import Simulator
import Reports

/// `einsim accuracy`: predicts every row of a measurement file (the format of
/// `shared/calibration/README.md`) and reports absolute percentage errors per row, per
/// (phase, backend) group and overall. Rows it cannot model are kept with `skipped` and a reason.
public struct AccuracyReport: Sendable {
    public struct Row: Sendable {
        /// The input row's fields, untouched, as JSON.
        public var input: [String: JSONValue]
        public var group: String?
        public var predictedMs: Double?
        public var predictedEnergyMJ: Double?
        public var latencyAPE: Double?
        public var energyAPE: Double?
        public var skipped: String?
    }

    public struct Group: Sendable {
        public var name: String
        public var rows: Int
        public var latencyMedianAPE: Double?
        public var latencyMeanAPE: Double?
        /// 90th percentile of the rows' latency APEs (nearest rank).
        public var latencyP90APE: Double?
        public var energyMedianAPE: Double?
        public var energyMeanAPE: Double?
    }

    public var rows: [Row]
    public var groups: [Group]
    public var overall: Group

    /// Reads `path` (JSON lines) and predicts each row on `profile`.
    public static func run(path: String, profile: HardwareProfile) throws -> AccuracyReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimpleInputError("cannot read measurement file '\(path)'", suggestion: "check the path; the shared file is ../shared/calibration/h100-sxm-attention-2026-11-22.jsonl")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SimpleInputError("'\(path)' is not UTF-8 text (the first byte that does not decode is here)",
                                   at: UTF8Check.location(of: data, file: path), suggestion: "save the file as UTF-8")
        }
        let machine = try GPUMachine(profile: profile)
        var rows: [Row] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let value: JSONValue
            do { value = try JSONValue.parse(String(trimmed)) } catch {
                throw SimpleInputError("line is not a JSON object: \(error)", at: SourceLocation(file: path, line: index + 1, column: 1),
                                       suggestion: "one JSON object per line, as in shared/calibration")
            }
            guard case let .object(fields) = value else {
                throw SimpleInputError("expected a JSON object", at: SourceLocation(file: path, line: index + 1, column: 1))
            }
            rows.append(predict(fields, machine: machine))
        }
        return summarize(rows)
    }

    static func predict(_ fields: [String: JSONValue], machine: GPUMachine) -> Row {
        var row = Row(input: fields)
        let kind = fields["kind"]?.string ?? ""
        guard let measuredMs = fields["ms"]?.number, measuredMs > 0 else {
            row.skipped = "no latency measurement (kind '\(kind)')"
            return row
        }
        // No kernel runs in under a nanosecond or over an hour: such a value is a unit or typing error.
        guard measuredMs.isFinite, measuredMs >= 1e-6, measuredMs <= 3.6e6 else {
            row.skipped = "implausible measured time \(measuredMs) ms (expected 1 ns … 1 hour)"
            return row
        }
        // `compile`: how Inductor compiled a FlexAttention row. einsim models the static kernel;
        // a dynamic-shape recompile (torch.compile's automatic dynamic shapes after a second shape
        // in one process) is another kernel: 20-25% slower at the same shapes on the H200
        // (Calibration/results/h200-flex-static-2026-12-02.jsonl against h200-round4-heldout).
        if let value = fields["compile"] {
            guard let mode = value.string else {
                row.skipped = "compile must be a string (\"static\" or \"dynamic\"), not \(value)"
                return row
            }
            if mode != "static" {
                row.skipped = "compiled '\(mode)': einsim models the statically compiled kernel (measure with torch.compile(dynamic=False))"
                return row
            }
        }
        // `run_s`: the measured run's length from rest (a burst), when the row states one.
        var run: Double?
        if let value = fields["run_s"] {
            guard let seconds = value.number, seconds.isFinite, seconds > 0, seconds <= 3600 else {
                row.skipped = "run_s must be the measured run's length in seconds (0 … 3600), not \(value)"
                return row
            }
            run = seconds
        }
        // `busy_fraction`: the share of the latency run the GPU spent in the measured kernels (a
        // timer synchronized between replays leaves it idle between them); absent, the calls ran
        // back to back. The limiter holds the board's average power, so an idle share lets the
        // kernel draw more while it runs. Energies are back-to-back runs and keep the board limit.
        var busy = PowerCapping.BusyFraction.backToBack
        if let value = fields["busy_fraction"] {
            guard let fraction = value.number.flatMap(PowerCapping.BusyFraction.init) else {
                row.skipped = "busy_fraction must be the share of the run the GPU was busy (0 < f ≤ 1), not \(value)"
                return row
            }
            busy = fraction
        }
        let result: SimulationResult
        let unthrottled: () throws -> SimulationResult
        let backToBack: () throws -> SimulationResult
        var free = machine
        free.limitWatts = .greatestFiniteMagnitude
        let board = machine
        var machine = machine
        machine.limitWatts = PowerCapping.dutyCycleLimit(limitWatts: board.limitWatts, idleWatts: board.idleWatts, busyFraction: busy)
        switch kind {
        case "attn":
            guard let request = MeasurementRow.attention(fields) else {
                row.skipped = "attention row lacks a field (B, Hq, Lq, Lkv, D), has an out-of-range size, or an unknown backend/phase"
                return row
            }
            row.group = "\(request.phase)/\(fields["backend"]?.string ?? "?")"
            unthrottled = { [free] in try Experiment.simulateAttention(shape: request.shape, preset: request.preset, machine: free) }
            backToBack = { [board] in try Experiment.simulateAttention(shape: request.shape, preset: request.preset, machine: board) }
            do {
                result = try Experiment.simulateAttention(shape: request.shape, preset: request.preset, machine: machine)
            } catch {
                row.skipped = "cannot predict: \(error)"
                return row
            }
        case "gemm":
            guard let m = fields["M"]?.int, let n = fields["N"]?.int, let k = fields["K"]?.int, m > 0, n > 0, k > 0,
                  m <= 1 << 30, n <= 1 << 30, k <= 1 << 30 else {
                row.skipped = "gemm row lacks M, N or K, or one is out of range (1…2^30)"
                return row
            }
            // The operands' precision (`dtype`, default bf16): a GEMM runs at that precision's rate.
            // fp32 is refused: an fp32 product without TF32 runs on the CUDA cores, which the GEMM
            // model (tensor-core tiles) does not cover.
            let dtype = fields["dtype"]?.string ?? "bf16"
            guard let precision = Precision(rawValue: dtype), precision.bytes >= 1, precision != .fp32 else {
                row.skipped = "gemm row's dtype '\(dtype)' is not one of bf16, fp16, tf32, fp8, int8 (the tensor-core precisions the GEMM model covers)"
                return row
            }
            row.group = precision == .bf16 ? "gemm" : "gemm/\(dtype)"
            let shape = GEMMShape(m: m, n: n, k: k, precision: precision)
            // `path` (optional): the matrix path the measured kernel ran on, where it is not the
            // fastest the profile lists for the precision.
            let path = fields["path"]?.string
            let predict = { (target: GPUMachine) throws -> SimulationResult in
                if let path { return try RooflineEngine().evaluate(gemm: shape, machine: target, path: path) }
                return RooflineEngine().evaluate(gemm: shape, machine: target)
            }
            unthrottled = { [free] in try predict(free) }
            backToBack = { [board] in try predict(board) }
            do { result = try predict(machine) } catch {
                row.skipped = "cannot predict: \(error)"
                return row
            }
        default:
            row.skipped = "kind '\(kind)' is not a kernel measurement"
            return row
        }
        var predictedMs = result.latencySeconds * 1e3
        // A latency measured over a short run from rest (`run_s`: a CUDA-graph burst) sees the
        // power limiter's start: part of the run at the boost clock. Energies are sustained runs.
        if let run, machine.powerLimitExcessEnergy > 0, result.clockRatio < 1 {
            let boost: SimulationResult
            do { boost = try unthrottled() } catch {
                row.skipped = "cannot predict the row's run at the boost clock: \(error)"
                return row
            }
            predictedMs = 1e3 * PowerCapping.meanSecondsPerCall(
                runSeconds: run, unthrottledSeconds: boost.latencySeconds, unthrottledWatts: boost.averagePowerWatts,
                sustainedSeconds: result.latencySeconds, limitWatts: board.limitWatts, excessEnergy: board.powerLimitExcessEnergy,
                busyFraction: busy, idleWatts: board.idleWatts)
        }
        row.predictedMs = predictedMs
        row.latencyAPE = abs(predictedMs - measuredMs) / measuredMs * 100
        if case let .object(energy)? = fields["energy"], let mj = energy["mJ_per_call"]?.number, mj > 0 {
            let sustained: SimulationResult
            if busy.value < 1 {
                do { sustained = try backToBack() } catch {
                    row.skipped = "cannot predict the row's back-to-back energy: \(error)"
                    return row
                }
            } else { sustained = result }
            let predicted = sustained.energyJoules * 1e3
            row.predictedEnergyMJ = predicted
            row.energyAPE = abs(predicted - mj) / mj * 100
        }
        return row
    }

    static func summarize(_ rows: [Row]) -> AccuracyReport {
        func stats(_ name: String, _ subset: [Row]) -> Group {
            let lat = subset.compactMap(\.latencyAPE), en = subset.compactMap(\.energyAPE)
            return Group(name: name, rows: subset.count, latencyMedianAPE: median(lat), latencyMeanAPE: mean(lat),
                         latencyP90APE: percentile(lat, 0.9), energyMedianAPE: median(en), energyMeanAPE: mean(en))
        }
        let names = Array(Set(rows.compactMap(\.group))).sorted()
        let groups = names.map { name in stats(name, rows.filter { $0.group == name }) }
        return AccuracyReport(rows: rows, groups: groups, overall: stats("overall", rows.filter { $0.group != nil }))
    }
}

func median(_ xs: [Double]) -> Double? {
    guard !xs.isEmpty else { return nil }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The nearest-rank `q` quantile (0 < q ≤ 1): the smallest value with at least q of the values at or below it.
func percentile(_ xs: [Double], _ q: Double) -> Double? {
    guard !xs.isEmpty else { return nil }
    let s = xs.sorted()
    let rank = max(1, Int((q * Double(s.count)).rounded(.up)))
    return s[min(s.count, rank) - 1]
}

func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

/// Reads attention measurement rows into simulator requests.
enum MeasurementRow {
    struct Attention { var shape: AttentionShape; var preset: KernelPreset; var phase: String }

    static func attention(_ f: [String: JSONValue]) -> Attention? {
        guard let b = f["B"]?.int, let hq = f["Hq"]?.int, let lq = f["Lq"]?.int, let lkv = f["Lkv"]?.int,
              let d = f["D"]?.int, b > 0, hq > 0, lq > 0, lkv > 0, d > 0 else { return nil }
        let hkv = f["Hkv"]?.int ?? hq
        let phase = f["phase"]?.string ?? "prefill"
        let preset: KernelPreset
        switch f["backend"]?.string {
        case "flash": preset = .fa2
        case "cudnn": preset = .cudnn
        case "flex": preset = .flex
        case "fa3": preset = .fa3
        default: return nil
        }
        var mask = MaskModel.dense
        switch phase {
        case "prefill", "decode": break
        case "blocksparse_random":
            guard let density = f["density"]?.number else { return nil }
            // The measured density already counts the always-kept diagonal.
            mask = .blockSparse(density: density, block: f["block"]?.int ?? 128, keepDiagonal: false)
        case "sliding_window":
            guard let window = f["window"]?.int else { return nil }
            mask = .slidingWindow(window: window)
        default: return nil
        }
        let shape = AttentionShape(batch: b, heads: hq, kvHeads: hkv, qLen: lq, kvLen: lkv, headDim: d,
                                   causal: f["causal"]?.bool ?? false, mask: mask)
        guard (try? shape.validate()) != nil else { return nil }
        return Attention(shape: shape, preset: preset, phase: phase)
    }
}
