import EinsimCore
import HardwareModel
import Workloads

/// An experiment file: the same choices as the `simulate` flags, written down once.
///
/// ```xml
/// <experiment name="llama-prefill">
///   <hardware>nvidia-h100-sxm</hardware>          <!-- repeatable -->
///   <workload model="llama-3-8b" phase="prefill" seq="8192" batch="1"/>
///   <!-- or: <workload batch="1" heads="32" kv-heads="8" q-len="4096" head-dim="128" causal="true"/> -->
///   <variant>block-sparse:density=0.2,block=128</variant>   <!-- repeatable -->
///   <kernel>auto</kernel> <algorithm>1pass</algorithm> <objective>latency</objective>
/// </experiment>
/// ```
/// Flags given on the command line override the file's values.
public struct ExperimentFile: Sendable, Hashable {
    public var name: String?
    public var hardware: [String] = []
    public var variants: [String] = []
    /// The line of each `<variant>` element.
    public var variantLocations: [SourceLocation?] = []
    public var kernel: String?
    public var algorithm: String?
    public var objective: String?
    /// Workload attributes by flag name (`model`, `phase`, `seq`, `batch`, `heads`, `kv-heads`,
    /// `q-len`, `kv-len`, `head-dim`, `causal`).
    public var workload: [String: String] = [:]
    /// Line of each workload attribute's element, for error messages.
    public var workloadLocation: SourceLocation?
    /// A study's named configurations (hardware + mapping), compared point by point.
    public var configurations: [Configuration] = []
    /// A study's lists: model presets, sequence lengths and scopes (the points are their product).
    public var models: [String] = []
    public var seqs: [Int] = []
    public var scopes: [String] = []
    /// A serving study's batch sizes and request datasets (`--scope serving`).
    public var batches: [Int] = []
    public var datasets: [String] = []

    /// One named configuration of a study: a hardware profile with a mapping.
    public struct Configuration: Sendable, Hashable {
        public var name: String
        public var hardware: String
        public var mapping: String?
        public var location: SourceLocation?
    }

    static let elements = ["hardware", "workload", "variant", "kernel", "mapping", "algorithm", "objective", "configuration", "models", "seqs", "scopes", "batches", "datasets"]
    static let workloadAttributes = ["model", "phase", "seq", "batch", "heads", "kv-heads", "q-len", "kv-len", "head-dim", "causal"]

    public static func load(path: String) throws -> ExperimentFile {
        let root = try SecureXMLReader.read(path: path)
        guard root.name == "experiment" else {
            throw SimpleInputError("expected an <experiment> root element, found <\(root.name)>", at: root.location,
                                   suggestion: "see the example in Examples/experiments/")
        }
        var file = ExperimentFile(name: root.attributes["name"])
        for child in root.children {
            func text() throws -> String {
                guard !child.text.isEmpty else {
                    throw SimpleInputError("<\(child.name)> is empty", at: child.location, suggestion: "write a value between the tags")
                }
                return child.text
            }
            switch child.name {
            case "hardware": file.hardware.append(try text())
            case "variant": file.variants.append(try text()); file.variantLocations.append(child.location)
            case "kernel", "mapping": file.kernel = try text()
            case "configuration":
                guard let name = child.attributes["name"], let hardware = child.attributes["hardware"] else {
                    throw SimpleInputError("<configuration> needs name and hardware attributes", at: child.location,
                                           suggestion: "e.g. <configuration name=\"fusemax\" hardware=\"fusemax\" mapping=\"fusemax\"/>")
                }
                for key in child.attributes.keys.sorted() where !["name", "hardware", "mapping"].contains(key) {
                    throw SimpleInputError("<configuration> has no attribute '\(key)'", at: child.location, suggestion: "attributes: name, hardware, mapping")
                }
                guard !file.configurations.contains(where: { $0.name == name }) else {
                    throw SimpleInputError("configuration '\(name)' is defined twice", at: child.location, suggestion: "give each configuration its own name")
                }
                file.configurations.append(Configuration(name: name, hardware: hardware, mapping: child.attributes["mapping"], location: child.location))
            case "models": file.models = try text().split(whereSeparator: \.isWhitespace).map(String.init)
            case "scopes": file.scopes = try text().split(whereSeparator: \.isWhitespace).map(String.init)
            case "seqs":
                for word in try text().split(whereSeparator: \.isWhitespace) {
                    guard let n = Int(word), n > 0, n <= 1 << 40 else {
                        throw SimpleInputError("<seqs>: '\(word.prefix(40))' is not a positive integer ≤ 2^40", at: child.location, suggestion: "list sequence lengths separated by spaces, e.g. 1024 4096")
                    }
                    file.seqs.append(n)
                }
            case "batches":
                for word in try text().split(whereSeparator: \.isWhitespace) {
                    guard let n = Int(word), n > 0, n <= 1 << 20 else {
                        throw SimpleInputError("<batches>: '\(word.prefix(40))' is not a positive integer ≤ 2^20", at: child.location, suggestion: "list batch sizes separated by spaces, e.g. 64 256")
                    }
                    file.batches.append(n)
                }
            case "datasets":
                for word in try text().split(whereSeparator: \.isWhitespace) {
                    do { file.datasets.append(try ServingDataset.named(String(word)).name) } catch let error as InputError {
                        throw SimpleInputError("<datasets>: " + error.message, at: child.location, suggestion: error.suggestion)
                    }
                }
            case "algorithm": file.algorithm = try text()
            case "objective": file.objective = try text()
            case "workload":
                for (key, value) in child.attributes.sorted(by: { $0.key < $1.key }) {
                    guard workloadAttributes.contains(key) else {
                        throw SimpleInputError("<workload> has no attribute '\(key)'", at: child.location,
                                               suggestion: Suggestions.didYouMean(key, in: workloadAttributes) ?? "attributes: " + workloadAttributes.joined(separator: ", "))
                    }
                    file.workload[key] = value
                }
                file.workloadLocation = child.location
            default:
                throw SimpleInputError("unknown element <\(child.name)> in <experiment>", at: child.location,
                                       suggestion: Suggestions.didYouMean(child.name, in: elements) ?? "elements: " + elements.joined(separator: ", "))
            }
        }
        return file
    }

    /// The workload attribute `key` as a positive integer, or an error naming the element's line.
    public func integer(_ key: String) throws -> Int? {
        guard let text = workload[key] else { return nil }
        guard let value = Int(text), value > 0 else {
            throw SimpleInputError("<workload \(key)=\"\(text)\">: expected a positive integer", at: workloadLocation)
        }
        return value
    }
}
