import Reports

/// Text and JSON renderings of an accuracy report.
public enum AccuracyRendering {
    public static func table(_ report: AccuracyReport) -> String {
        var rows = TextTable(headers: ["#", "group", "shape", "measured ms", "predicted ms", "APE %", "meas mJ", "pred mJ", "E APE %"])
        for (i, row) in report.rows.enumerated() {
            let f = row.input
            let shape: String
            if f["kind"]?.string == "gemm" {
                shape = "\(f["M"]?.int ?? 0)x\(f["N"]?.int ?? 0)x\(f["K"]?.int ?? 0)"
            } else {
                let causal = f["causal"]?.bool == true ? " causal" : ""
                let dens = f["density"]?.number.map { " d=" + Format.fixed($0, 2) } ?? ""
                let win = f["window"]?.int.map { " w=\($0)" } ?? ""
                shape = "B\(f["B"]?.int ?? 0) H\(f["Hq"]?.int ?? 0)/\(f["Hkv"]?.int ?? f["Hq"]?.int ?? 0) \(f["Lq"]?.int ?? 0)x\(f["Lkv"]?.int ?? 0) d\(f["D"]?.int ?? 0)\(causal)\(dens)\(win)"
            }
            if let skipped = row.skipped {
                rows.add(["\(i + 1)", "skipped", skipped])
                continue
            }
            var measuredEnergy = ""
            if case let .object(e)? = f["energy"], let mj = e["mJ_per_call"]?.number { measuredEnergy = Format.fixed(mj, 1) }
            rows.add(["\(i + 1)", row.group ?? "", shape, Format.fixed(f["ms"]?.number ?? 0, 4), Format.fixed(row.predictedMs ?? 0, 4),
                      Format.fixed(row.latencyAPE ?? 0, 1), measuredEnergy, row.predictedEnergyMJ.map { Format.fixed($0, 1) } ?? "",
                      row.energyAPE.map { Format.fixed($0, 1) } ?? ""])
        }
        var groups = TextTable(headers: ["group", "rows", "latency median APE %", "latency p90 APE %", "latency mean APE %",
                                         "energy median APE %", "energy mean APE %"])
        for g in report.groups + [report.overall] {
            groups.add([g.name, "\(g.rows)", g.latencyMedianAPE.map { Format.fixed($0, 1) } ?? "-",
                        g.latencyP90APE.map { Format.fixed($0, 1) } ?? "-",
                        g.latencyMeanAPE.map { Format.fixed($0, 1) } ?? "-", g.energyMedianAPE.map { Format.fixed($0, 1) } ?? "-",
                        g.energyMeanAPE.map { Format.fixed($0, 1) } ?? "-"])
        }
        return rows.rendered + "\n\n" + groups.rendered
    }

    public static func json(_ report: AccuracyReport) -> String {
        var rows: [JSONValue] = []
        for row in report.rows {
            var o = row.input
            if let s = row.skipped { o["skipped"] = .string(s) }
            if let g = row.group { o["group"] = .string(g) }
            if let p = row.predictedMs { o["predicted_ms"] = .number(p) }
            if let e = row.predictedEnergyMJ { o["predicted_energy_mj"] = .number(e) }
            if let a = row.latencyAPE { o["latency_ape"] = .number(a) }
            if let a = row.energyAPE { o["energy_ape"] = .number(a) }
            rows.append(.object(o))
        }
        func group(_ g: AccuracyReport.Group) -> JSONValue {
            .object([
                "group": .string(g.name), "rows": .number(Double(g.rows)),
                "latency_median_ape": g.latencyMedianAPE.map(JSONValue.number) ?? .null,
                "latency_mean_ape": g.latencyMeanAPE.map(JSONValue.number) ?? .null,
                "latency_p90_ape": g.latencyP90APE.map(JSONValue.number) ?? .null,
                "energy_median_ape": g.energyMedianAPE.map(JSONValue.number) ?? .null,
                "energy_mean_ape": g.energyMeanAPE.map(JSONValue.number) ?? .null,
            ])
        }
        let summary: JSONValue = .object([
            "latency_median_ape": report.overall.latencyMedianAPE.map(JSONValue.number) ?? .null,
            "latency_mean_ape": report.overall.latencyMeanAPE.map(JSONValue.number) ?? .null,
            "latency_p90_ape": report.overall.latencyP90APE.map(JSONValue.number) ?? .null,
            "energy_median_ape": report.overall.energyMedianAPE.map(JSONValue.number) ?? .null,
            "energy_mean_ape": report.overall.energyMeanAPE.map(JSONValue.number) ?? .null,
            "groups": .array(report.groups.map(group)),
        ])
        return JSONValue.object(["rows": .array(rows), "summary": summary]).jsonText
    }
}
