import EinsimCore
import Foundation
import HardwareModel

/// A sweep file (`Examples/sweeps/*.xml`): a base experiment and the parameters swept over it,
/// validated against `HardwareProfiles/einsim-sweep.xsd` before it is read.
///
/// ```xml
/// <sweep name="h100-decode-bandwidth">
///   <hardware>nvidia-h100-sxm</hardware>                          <!-- repeatable -->
///   <workload model="llama-3-8b" phase="decode" seq="16384"/>
///   <variant>dense</variant>                                      <!-- repeatable -->
///   <mapping>fa2</mapping>
///   <parameter name="hbm.bandwidth" values="1TB/s:8TB/s:x2"/>     <!-- the grid, first outermost -->
///   <parameter name="batch" values="1:256:x2"/>
///   <output format="csv"/>
/// </sweep>
/// ```
/// Flags given on the command line override the file's values; `--sweep` flags add parameters.
public struct SweepFile: Sendable {
    public var name: String?
    public var hardware: [String] = []
    /// Workload attributes by flag name (`model`, `phase`, `seq`, …, `causal`).
    public var workload: [String: String] = [:]
    public var workloadLocation: SourceLocation?
    public var variants: [String] = []
    public var variantLocations: [SourceLocation?] = []
    public var mapping: String?
    public var algorithm: String?
    public var engine: String?
    public var objective: String?
    /// The output format (`csv`, `jsonl`, `json`, `table`), nil when not given.
    public var format: String?
    /// The swept parameters with the line each was written on.
    public var parameters: [(parameter: SweepParameter, location: SourceLocation)] = []

    /// The schema's file name inside the profiles directory.
    public static let schemaFileName = "einsim-sweep.xsd"

    /// Whether `path` is a sweep file (an XML file whose root element is `<sweep>`).
    public static func isSweepFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        var rest = head[...]
        // The first element that is not a declaration or a comment.
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("?") || after.hasPrefix("!") {
                guard let close = after.firstIndex(of: ">") else { return false }
                rest = after[after.index(after: close)...]
                continue
            }
            return after.hasPrefix("sweep") && after.dropFirst(5).first.map { $0 == ">" || $0.isWhitespace || $0 == "/" } == true
        }
        return false
    }

    /// Loads and validates a sweep file; errors name file:line with a suggestion.
    public static func load(path: String) throws -> SweepFile {
        guard let directory = ProfileLibrary.profilesDirectory else {
            let path = ProfileLibrary.searchPath
            throw SimpleInputError("the sweep schema (\(schemaFileName)) was not found: " + path.notFoundMessage, suggestion: path.notFoundSuggestion)
        }
        let root = try SecureXMLReader.read(path: path, schemaPath: directory + "/" + schemaFileName)
        var file = SweepFile(name: root.attributes["name"])
        for child in root.children {
            switch child.name {
            case "hardware": file.hardware.append(child.text)
            case "variant": file.variants.append(child.text); file.variantLocations.append(child.location)
            case "mapping": file.mapping = child.text
            case "algorithm": file.algorithm = child.text
            case "engine": file.engine = child.text
            case "objective": file.objective = child.text
            case "output": file.format = child.attributes["format"]
            case "workload":
                file.workload = child.attributes
                file.workloadLocation = child.location
            case "parameter":
                let name = child.attributes["name"] ?? "", values = child.attributes["values"] ?? ""
                do {
                    file.parameters.append((try SweepParameter.parse(name: name, values: values), child.location))
                } catch let error as InputError {
                    throw SimpleInputError("<parameter name=\"\(name.prefix(60))\">: \(error.message.prefix(240))", at: child.location, suggestion: error.suggestion)
                }
            default: break  // <description>; the schema admits nothing else
            }
        }
        return file
    }
}
