import Foundation
import EinsimCore
import Mapper
import Simulator
import Workloads

/// One (hardware, workload, variant) result with the workload fields the CLI contract names.
public struct ResultRecord: Sendable {
    public var result: SimulationResult
    public var variant: String
    public var model: String?
    public var phase: String
    public var scope: String
    public var shape: AttentionShape
    /// Fraction of the latency spent in self-attention (end-to-end scope only; JSON `attention_share`).
    public var attentionShare: Double? = nil
    /// The named configuration of a comparison (e.g. `fusemax`, `flat`, `unfused`; JSON `configuration`).
    public var configuration: String? = nil
    /// Batched-decoding figures (`--scope serving`).
    public var serving: Serving? = nil
    /// The cycle engine's schedule, when it ran (written by `--trace`).
    public var trace: ChromeTrace? = nil

    /// Throughput and energy per token of batched decoding, with the deployment that gave them.
    public struct Serving: Sendable, Hashable {
        public var tokensPerSecond: Double
        public var joulesPerToken: Double
        public var dataset: String
        public var tensorParallel: Int
        public var pipelineParallel: Int

        public init(tokensPerSecond: Double, joulesPerToken: Double, dataset: String, tensorParallel: Int, pipelineParallel: Int) {
            self.tokensPerSecond = tokensPerSecond; self.joulesPerToken = joulesPerToken; self.dataset = dataset
            self.tensorParallel = tensorParallel; self.pipelineParallel = pipelineParallel
        }
    }

    public init(result: SimulationResult, variant: String, model: String?, phase: String, scope: String, shape: AttentionShape) {
        self.result = result; self.variant = variant; self.model = model; self.phase = phase; self.scope = scope; self.shape = shape
    }

    /// The contract's JSON object.
    public var json: JSONValue {
        let r = result
        func num(_ x: Double) -> JSONValue { .number(x) }
        var object: [String: JSONValue] = [
            "hardware": .string(r.hardware), "variant": .string(variant), "kernel": .string(r.kernel),
            "engine": .string(r.engine), "model": model.map(JSONValue.string) ?? .null, "phase": .string(phase),
            "scope": .string(scope), "batch": num(Double(shape.batch)), "heads": num(Double(shape.heads)),
            "kv_heads": num(Double(shape.kvHeads)), "q_len": num(Double(shape.qLen)), "kv_len": num(Double(shape.kvLen)),
            "head_dim": num(Double(shape.headDim)), "causal": .bool(shape.causal),
            "latency_s": num(r.latencySeconds), "energy_j": num(r.energyJoules), "flops": num(r.flops),
            "dram_bytes": num(r.dramBytes), "achieved_tflops": num(r.achievedFLOPS / 1e12),
            "roofline_s": num(r.rooflineSeconds), "percent_of_roofline": num(r.percentOfRoofline),
            "bound": .string(r.bound), "clock_ratio": num(r.clockRatio), "average_power_w": num(r.averagePowerWatts),
            "static_energy_j": num(r.staticJoules), "dynamic_energy_j": num(r.dynamicJoules),
            "energy_breakdown_j": .object(r.energyByComponent.mapValues(num)),
            "resource_seconds": .object(r.resourceSeconds.mapValues(num)),
            "l2_bytes": num(r.l2Bytes), "shared_memory_bytes": num(r.sharedMemoryBytes),
            "kernels": .array(r.kernels.map { .object(["name": .string($0.name), "seconds": num($0.seconds),
                                                       "dynamic_energy_j": num($0.dynamicJoules), "dram_bytes": num($0.dramBytes),
                                                       "flops": num($0.flops)]) }),
        ]
        object["bytes_per_level"] = .object(r.bytesPerLevel.mapValues(num))
        object["utilization"] = .object(r.utilization.mapValues(num))
        // The machine's roofs, for `einsim report`'s roofline chart.
        if r.peakFLOPS > 0 { object["peak_flops_per_s"] = num(r.peakFLOPS) }
        if !r.bandwidths.isEmpty { object["bandwidth_bytes_per_s"] = .object(r.bandwidths.mapValues(num)) }
        object["einsums"] = .array(r.einsums.map { .object(["name": .string($0.name), "unit": .string($0.unit), "seconds": num($0.seconds),
                                                            "dynamic_energy_j": num($0.dynamicJoules), "utilization": num($0.utilization)]) })
        if let share = attentionShare { object["attention_share"] = num(share) }
        if let configuration { object["configuration"] = .string(configuration) }
        if let serving {
            object["throughput_tokens_per_s"] = num(serving.tokensPerSecond)
            object["energy_per_token_j"] = num(serving.joulesPerToken)
            object["dataset"] = .string(serving.dataset)
            object["tensor_parallel"] = num(Double(serving.tensorParallel))
            object["pipeline_parallel"] = num(Double(serving.pipelineParallel))
        }
        if let m = r.mapper {
            object["mapper"] = .object([
                "candidates_evaluated": num(m.evaluated), "pruned": num(m.pruned),
                "infeasible": num(m.infeasible.values.reduce(0, +)),
                "infeasible_by_level": .object(m.infeasible.mapValues(num)),
                "mapspace_size": num(m.mapspaceSize), "stopped_early": .bool(m.stoppedEarly),
                "seconds": num(m.seconds),
            ])
        }
        return .object(object)
    }
}

/// Renders result records in the CLI's formats.
public enum ResultRendering {
    static let columns = ["hardware", "variant", "kernel", "shape", "latency", "TFLOP/s", "% roofline", "energy", "avg W", "bound"]

    static func cells(_ r: ResultRecord) -> [String] {
        let s = r.shape
        let shape = "B\(s.batch) H\(s.heads)/\(s.kvHeads) \(s.qLen)x\(s.kvLen) d\(s.headDim)\(s.causal ? " causal" : "")"
        return [r.result.hardware, r.variant, r.result.kernel, shape, Format.seconds(r.result.latencySeconds),
                Format.fixed(r.result.achievedFLOPS / 1e12, 1), Format.fixed(r.result.percentOfRoofline, 1),
                Format.joules(r.result.energyJoules), Format.fixed(r.result.averagePowerWatts, 0), r.result.bound]
    }

    public static func table(_ records: [ResultRecord]) -> String {
        if !records.isEmpty, records.allSatisfy({ $0.serving != nil }) { return servingTable(records) }
        var t = TextTable(headers: columns)
        for r in records { t.add(cells(r)) }
        return t.rendered
    }

    /// Batched decoding: throughput, energy per token and what bounds each system.
    static func servingTable(_ records: [ResultRecord]) -> String {
        var t = TextTable(headers: ["hardware", "mapping", "model", "batch", "dataset", "TP x PP", "tokens/s", "J/token", "token latency", "bound", "utilization"])
        for r in records {
            guard let s = r.serving else { continue }
            let util = r.result.utilization.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.fixed($0.value, 2))" }.joined(separator: ", ")
            t.add([r.result.hardware, r.result.kernel, r.model ?? "-", String(r.shape.batch), s.dataset, "\(s.tensorParallel) x \(s.pipelineParallel)",
                   Format.fixed(s.tokensPerSecond, 0), Format.joules(s.joulesPerToken), Format.seconds(r.result.latencySeconds), r.result.bound, util])
        }
        return t.rendered
    }

    public static func markdown(_ records: [ResultRecord]) -> String {
        var lines = ["| " + columns.joined(separator: " | ") + " |", "|" + columns.map { _ in "---" }.joined(separator: "|") + "|"]
        for r in records { lines.append("| " + cells(r).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    public static func csv(_ records: [ResultRecord]) -> String {
        var keys = ["hardware", "variant", "kernel", "engine", "model", "phase", "scope", "batch", "heads", "kv_heads", "q_len",
                    "kv_len", "head_dim", "causal", "latency_s", "energy_j", "flops", "dram_bytes", "achieved_tflops",
                    "percent_of_roofline", "bound"]
        // Study and serving columns, when any record has them.
        if records.contains(where: { $0.configuration != nil }) { keys.insert("configuration", at: 0) }
        if records.contains(where: { $0.serving != nil }) {
            keys += ["dataset", "tensor_parallel", "pipeline_parallel", "throughput_tokens_per_s", "energy_per_token_j"]
        }
        var lines = [keys.joined(separator: ",")]
        for r in records {
            guard case let .object(o) = r.json else { continue }
            lines.append(keys.map { key -> String in
                switch o[key] {
                case let .string(s)?: return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
                case let .number(n)?: return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : "\(n)"
                case let .bool(b)?: return b ? "true" : "false"
                default: return ""
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    public static func json(_ records: [ResultRecord]) -> String {
        JSONValue.object(["results": .array(records.map(\.json))]).jsonText
    }
}
