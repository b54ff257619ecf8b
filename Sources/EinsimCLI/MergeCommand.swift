import ArgumentParser
import Einsim
import Foundation

/// `einsim merge`: combines the outputs of `einsim sweep --shard K/N --output FILE` into the
/// output of the unsharded sweep, byte for byte.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine sharded sweep outputs (checks they are one sweep, every shard once, every point once).")
    @Argument(help: "The shard files (csv or jsonl, any order).") var shards: [String] = []
    @Option(help: "Write the merged sweep to PATH (default: standard output).") var output: String?

    func run() throws {
        guard !shards.isEmpty else {
            throw SimpleInputError("give the shard files to merge", suggestion: "e.g. einsim merge out/shard-*.csv --output sweep.csv")
        }
        var parts: [(path: String, meta: SweepOutput.Metadata, header: String, rows: Substring)] = []
        for path in shards {
            let part = try Self.read(path)
            if let first = parts.first {
                guard part.meta.digest == first.meta.digest, part.meta.total == first.meta.total, part.meta.shards == first.meta.shards,
                      part.meta.format == first.meta.format else {
                    throw SimpleInputError("\(path):1: belongs to another sweep than \(first.path) (digest \(part.meta.digest), \(part.meta.shards) shards, \(part.meta.total) points, \(part.meta.format.rawValue) vs digest \(first.meta.digest), \(first.meta.shards) shards, \(first.meta.total) points, \(first.meta.format.rawValue))",
                                           suggestion: "merge the shards of one run: same sweep, same profiles, same --format and N")
                }
                guard part.header == first.header else {
                    throw SimpleInputError("\(path):2: the header differs from \(first.path)'s", suggestion: "merge the shards of one run")
                }
            }
            parts.append(part)
        }
        let n = parts[0].meta.shards
        let byShard = Dictionary(grouping: parts, by: \.meta.shard)
        let repeated = byShard.filter { $0.value.count > 1 }.keys.sorted()
        if let k = repeated.first {
            throw SimpleInputError("shard \(k)/\(n) is given more than once (\((byShard[k] ?? []).map(\.path).joined(separator: ", ")))",
                                   suggestion: "give each shard file once")
        }
        let missing = (1...n).filter { byShard[$0] == nil }
        guard missing.isEmpty else {
            throw SimpleInputError("missing shard\(missing.count > 1 ? "s" : "") \(missing.prefix(20).map { "\($0)/\(n)" }.joined(separator: ", ")) of \(n)",
                                   suggestion: "run them with einsim sweep … --shard K/\(n) --output FILE (or --resume an interrupted one), then merge all \(n)")
        }
        let ordered = parts.sorted { $0.meta.shard < $1.meta.shard }
        var expected = 0
        for part in ordered {
            guard part.meta.points.lowerBound == expected, part.meta.points == SweepOutput.shardRange(part.meta.shard, of: n, total: part.meta.total) else {
                throw SimpleInputError("\(part.path):1: shard \(part.meta.shard)/\(n) holds points \(part.meta.points.lowerBound)-\(part.meta.points.upperBound), expected \(expected)-\(SweepOutput.shardRange(part.meta.shard, of: n, total: part.meta.total).upperBound)",
                                       suggestion: "rerun the shard with this einsim")
            }
            expected = part.meta.points.upperBound
        }
        let first = ordered[0].meta
        let merged = SweepOutput.Metadata(digest: first.digest, format: first.format, shard: 1, shards: 1, points: 0..<first.total, total: first.total)
        var text = merged.line + ordered[0].header
        for part in ordered { text += part.rows }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw SimpleInputError("--output \(output.prefix(200)): cannot write the file", suggestion: "give a path in a writable directory")
            }
        } else {
            emit(text, terminator: "")
        }
    }

    /// A shard's metadata, header line (csv; empty for jsonl) and rows, checked: complete rows
    /// whose points run from the first to the last of the shard, each present.
    static func read(_ path: String) throws -> (path: String, meta: SweepOutput.Metadata, header: String, rows: Substring) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimpleInputError("cannot read '\(path.prefix(200))'", suggestion: "check the path")
        }
        let text = String(decoding: data, as: UTF8.self)
        let firstEnd = text.firstIndex(of: "\n") ?? text.endIndex
        guard let meta = SweepOutput.Metadata.parse(String(text[..<firstEnd])) else {
            throw SimpleInputError("\(path):1: not a sweep shard (its first line is not an einsim-sweep line)",
                                   suggestion: "write shards with einsim sweep … --shard K/N --output FILE")
        }
        var rest = firstEnd < text.endIndex ? text[text.index(after: firstEnd)...] : text[text.endIndex...]
        var header = ""
        if meta.format == .csv {
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            guard end < rest.endIndex, rest[..<end].hasPrefix("point,") else {
                throw SimpleInputError("\(path):2: expected the CSV header (point,…)", suggestion: "write shards with einsim sweep … --shard K/N --output FILE")
            }
            header = String(rest[...end])
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty, rest.last != "\n" {
            throw SimpleInputError("\(path): ends in an incomplete row (the shard was interrupted)",
                                   suggestion: "finish it: einsim sweep … --shard \(meta.shard)/\(meta.shards) --output \(path.prefix(100)) --resume")
        }
        var next = meta.points.lowerBound
        var line = meta.format == .csv ? 3 : 2
        for row in rest.split(separator: "\n") {
            guard let point = SweepWriter.pointIndex(ArraySlice(row.utf8), format: meta.format) else {
                throw SimpleInputError("\(path):\(line): not a sweep row")
            }
            if point == next { next += 1 } else if point != next - 1 {
                let why = point < next - 1 ? "point \(point) is repeated" : "points \(next)-\(point - 1) are missing"
                throw SimpleInputError("\(path):\(line): \(why)", suggestion: "rerun the shard: einsim sweep … --shard \(meta.shard)/\(meta.shards) --output \(path.prefix(100))")
            }
            line += 1
        }
        guard next == meta.points.upperBound else {
            throw SimpleInputError("\(path): points \(next)-\(meta.points.upperBound - 1) of shard \(meta.shard)/\(meta.shards) are missing (the shard was interrupted)",
                                   suggestion: "finish it: einsim sweep … --shard \(meta.shard)/\(meta.shards) --output \(path.prefix(100)) --resume")
        }
        return (path, meta, header, rest)
    }
}
