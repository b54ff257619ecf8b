import EinsimCore
import Foundation
import HardwareModel
import Mapper
import Reports

/// Streaming sweep output: one CSV or JSONL row per (point × hardware × variant) with the point's
/// index (the first CSV column in files), the swept values as numbers in SI base units (the unit in the header).
///
/// A file written with `--output` (or a shard) starts with a metadata line that names the sweep's
/// digest, the shard and its points; `--resume` and `einsim merge` read it back.
public enum SweepOutput {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    /// The result columns of a CSV row (after `point` and the swept parameters).
    public static let resultColumns = ["hardware", "variant", "kernel", "engine", "model", "phase", "scope", "batch", "heads", "kv_heads",
                                       "q_len", "kv_len", "head_dim", "causal", "latency_s", "energy_j", "flops", "dram_bytes",
                                       "achieved_tflops", "percent_of_roofline", "bound"]

    /// The CSV header line; `point` first when the rows carry their point index (files written
    /// with `--output` or `--shard`, which `--resume` and `einsim merge` read back).
    public static func csvHeader(_ parameters: [SweepParameter], withPoint: Bool = true) -> String {
        ((withPoint ? ["point"] : []) + parameters.map { csvField($0.header) } + resultColumns).joined(separator: ",")
    }

    static func csvField(_ s: String) -> String {
        // A byte scan (String.contains(String) goes through Foundation, slowly, on Linux).
        guard s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The swept values at `coordinates`, as CSV cells (numbers in SI base units, text escaped).
    static func valueCells(_ parameters: [SweepParameter], _ coordinates: [Int]) -> [String] {
        parameters.indices.map { i in
            let c = coordinates[i]
            if let n = parameters[i].numbers[c] { return SweepParameter.format(n) }
            return csvField(parameters[i].values[c])
        }
    }

    /// The lines (each ending in a newline) of point `index` with its records.
    public static func lines(_ format: Format, point index: Int, parameters: [SweepParameter], coordinates: [Int], records: [ResultRecord],
                             withPoint: Bool = true) -> String {
        var text = ""
        switch format {
        case .csv:
            let prefix = ((withPoint ? [String(index)] : []) + valueCells(parameters, coordinates)).joined(separator: ",")
            // Rows are built as bytes (String appends recount and re-check on every append).
            var bytes: [UInt8] = []
            bytes.reserveCapacity(records.count * (prefix.utf8.count + 240))
            for r in records {
                if prefix.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: prefix.utf8) }
                bytes.append(44)
                appendCells(r, to: &bytes)
                bytes.append(10)
            }
            text = String(decoding: bytes, as: UTF8.self)
        case .jsonl:
            let sweep = sweepObject(parameters, coordinates)
            for r in records {
                guard case var .object(o) = r.json else { continue }
                o["point"] = .number(Double(index))
                o["sweep"] = sweep
                text += JSONValue.object(o).jsonText + "\n"
            }
        }
        return text
    }

    /// The swept values as a JSON object keyed by header (`{"hbm.bandwidth [B/s]": 2e12}`).
    public static func sweepObject(_ parameters: [SweepParameter], _ coordinates: [Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: parameters.indices.map { i -> (String, JSONValue) in
            let c = coordinates[i]
            return (parameters[i].header, parameters[i].numbers[c].map(JSONValue.number) ?? .string(parameters[i].values[c]))
        }))
    }

    /// One record's result cells, as `einsim simulate --format csv` writes them.
    static func csvCells(_ r: ResultRecord) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(240)
        appendCells(r, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one record's result cells to `bytes` as UTF-8 (rows are the sweep's hot path
    /// after the engine).
    static func appendCells(_ r: ResultRecord, to bytes: inout [UInt8]) {
        let x = r.result, s = r.shape
        /// Appends `v`'s UTF-8 in one copy (appending a UTF8View element by element costs more).
        func raw(_ v: String) {
            if v.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: v.utf8) }
        }
        func text(_ v: String) {
            let plain = v.utf8.withContiguousStorageIfAvailable { b in !b.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } }
            raw(plain ?? (csvField(v) == v) ? v : csvField(v))
        }
        func field(_ v: String) { text(v); bytes.append(44) }
        func int(_ v: Int) { appendDecimal(v, to: &bytes); bytes.append(44) }
        func number(_ v: Double) {
            if v == v.rounded() && abs(v) < 1e15 { appendDecimal(Int(v), to: &bytes) } else { raw(v.description) }
            bytes.append(44)
        }
        field(x.hardware); field(r.variant); field(x.kernel); field(x.engine)
        if let model = r.model { text(model) }
        bytes.append(44)
        field(r.phase); field(r.scope)
        int(s.batch); int(s.heads); int(s.kvHeads); int(s.qLen); int(s.kvLen); int(s.headDim)
        raw(s.causal ? "true," : "false,")
        number(x.latencySeconds); number(x.energyJoules); number(x.flops); number(x.dramBytes)
        number(x.achievedFLOPS / 1e12); number(x.percentOfRoofline)
        text(x.bound)
    }

    /// Appends the decimal digits of `v` (what `String(v)` writes).
    static func appendDecimal(_ v: Int, to bytes: inout [UInt8]) {
        guard v != 0 else { bytes.append(48); return }
        if v < 0 { bytes.append(45) }
        var magnitude = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    // MARK: - Metadata, shards and digests

    /// What a sweep output file says about itself in its first line.
    public struct Metadata: Sendable, Hashable {
        /// Digest of the sweep definition and of the profile and cascade contents.
        public var digest: String
        public var format: Format
        /// Shard K of N (1-based); 1/1 when the sweep was not split.
        public var shard: Int, shards: Int
        /// The points this file holds: `points.lowerBound ..< points.upperBound`.
        public var points: Range<Int>
        /// Points of the whole sweep.
        public var total: Int

        public init(digest: String, format: Format, shard: Int, shards: Int, points: Range<Int>, total: Int) {
            self.digest = digest; self.format = format; self.shard = shard; self.shards = shards; self.points = points; self.total = total
        }

        /// The first line of the file (ending in a newline).
        public var line: String {
            switch format {
            case .csv:
                return "# einsim-sweep digest=\(digest) shard=\(shard)/\(shards) points=\(points.lowerBound)-\(points.upperBound) total=\(total)\n"
            case .jsonl:
                return "{\"einsim_sweep\":{\"digest\":\"\(digest)\",\"points\":[\(points.lowerBound),\(points.upperBound)],\"shard\":\"\(shard)/\(shards)\",\"total\":\(total)}}\n"
            }
        }

        /// Reads a metadata line back (nil when `line` is not one).
        public static func parse(_ line: String) -> Metadata? {
            var fields: [String: String] = [:]
            let format: Format
            if line.hasPrefix("# einsim-sweep ") {
                format = .csv
                for item in line.dropFirst("# einsim-sweep ".count).split(separator: " ") {
                    let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
                    if kv.count == 2 { fields[kv[0]] = kv[1] }
                }
                fields["points"] = fields["points"]?.replacingOccurrences(of: "-", with: ",")
            } else if line.hasPrefix("{\"einsim_sweep\":"), let data = line.data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let meta = object["einsim_sweep"] as? [String: Any] {
                format = .jsonl
                fields["digest"] = meta["digest"] as? String
                fields["shard"] = meta["shard"] as? String
                if let p = meta["points"] as? [Int], p.count == 2 { fields["points"] = "\(p[0]),\(p[1])" }
                fields["total"] = (meta["total"] as? Int).map(String.init)
            } else {
                return nil
            }
            guard let digest = fields["digest"], let shard = fields["shard"]?.split(separator: "/").compactMap({ Int($0) }), shard.count == 2,
                  let points = fields["points"]?.split(separator: ",").compactMap({ Int($0) }), points.count == 2, points[0] <= points[1],
                  let total = fields["total"].flatMap(Int.init) else { return nil }
            return Metadata(digest: digest, format: format, shard: shard[0], shards: shard[1], points: points[0]..<points[1], total: total)
        }
    }

    /// The points of shard `k` of `n` (1-based) of a sweep of `total` points: contiguous slices,
    /// the same for every run.
    public static func shardRange(_ k: Int, of n: Int, total: Int) -> Range<Int> {
        (total * (k - 1) / n)..<(total * k / n)
    }

    /// Parses `K/N` (1 ≤ K ≤ N).
    public static func parseShard(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, n <= 1_000_000, k >= 1, k <= n else {
            throw SimpleInputError("--shard \(text.prefix(40)): expected K/N with 1 ≤ K ≤ N", suggestion: "e.g. --shard 1/4 … --shard 4/4")
        }
        return (k, n)
    }

    /// A 64-bit FNV-1a digest (hex) of `parts`: enough to tell sweeps apart, not a security hash.
    public static func digest(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

    /// The digest of a sweep: its definition, the output format, and the contents of the profile
    /// files (with the files they extend) and of the cascade.
    public static func digest(base: SweepBase, parameters: [SweepParameter], format: Format) -> String {
        var parts = ["einsim-sweep v1", format.rawValue, base.hardware.joined(separator: "\u{1}"), base.model ?? "-", base.phase ?? "-",
                     [base.seq, base.batch, base.heads, base.kvHeads, base.qLen, base.kvLen, base.headDim].map { $0.map(String.init) ?? "-" }.joined(separator: ","),
                     String(base.causal), base.algorithm, base.variants.joined(separator: "\u{1}"), base.mapping ?? "auto",
                     base.objective.rawValue, base.engine.rawValue]
        for p in parameters { parts.append(p.name + "=" + p.values.joined(separator: "\u{1}")) }
        for name in base.hardware { parts += profileContents(name) }
        if let file = AlgorithmResolver.shipped[base.algorithm], let dir = AlgorithmResolver.cascadesDirectory {
            parts.append((try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? "")
        } else {
            parts.append((try? String(contentsOfFile: base.algorithm, encoding: .utf8)) ?? "")
        }
        return digest(parts)
    }

    /// The text of a profile's file and of every file it extends (by name, in the same folder
    /// or among the shipped profiles).
    static func profileContents(_ nameOrPath: String) -> [String] {
        var texts: [String] = []
        var next: String? = nameOrPath
        var directory: String?
        var seen = Set<String>()
        while let name = next, seen.insert(name).inserted, texts.count < 16 {
            let path: String
            if FileManager.default.fileExists(atPath: name) {
                path = name
                directory = (name as NSString).deletingLastPathComponent
            } else if let dir = directory, FileManager.default.fileExists(atPath: dir + "/" + name + ".xml") {
                path = dir + "/" + name + ".xml"
            } else if let dir = ProfileLibrary.profilesDirectory {
                path = dir + "/" + name + ".xml"
            } else { break }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { break }
            texts.append(text)
            next = extendsName(in: text)
        }
        return texts
    }

    /// The `extends="…"` of a profile's root element, if any.
    static func extendsName(in text: String) -> String? {
        guard let root = text.range(of: "<profile") else { return nil }
        let tail = text[root.upperBound...].prefix { $0 != ">" }
        guard let key = tail.range(of: "extends=\"") else { return nil }
        return String(tail[key.upperBound...].prefix { $0 != "\"" })
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
