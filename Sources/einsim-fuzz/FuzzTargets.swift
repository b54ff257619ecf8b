import Einsim
import EinsimCLI
import Foundation

/// libFuzzer harnesses for every parser that reads what people write: `.einsum` cascades, XML
/// profiles (with inheritance from the shipped ones), experiment files, measurement files,
/// `--variant` specs, and through the CLI itself sweep files (`einsim sweep FILE`), the results
/// a report reads (`einsim report FILE --html`) and sweep shards (`einsim merge FILE`). One binary; `EINSIM_FUZZ_TARGET` picks the harness. Built and run by
/// `Scripts/fuzz.sh` (`-sanitize=fuzzer,address -DFUZZING`); a plain build makes a binary that
/// explains how to run it.
enum FuzzHarness: String, CaseIterable {
    case einsum, profile, experiment, measurement, variant, sweep, report, merge

    static let selected: FuzzHarness = {
        let name = ProcessInfo.processInfo.environment["EINSIM_FUZZ_TARGET"] ?? "einsum"
        return FuzzHarness(rawValue: name) ?? .einsum
    }()

    static let scratch: String = {
        let path = NSTemporaryDirectory() + "einsim-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `data` to a file of the scratch folder; its path, or nil when it cannot be written.
    static func write(_ data: Data, as name: String) -> String? {
        let path = scratch + "/" + name
        return FileManager.default.createFile(atPath: path, contents: data) ? path : nil
    }

    /// Runs one input; errors are the expected outcome of bad input, a crash or hang is a finding.
    func run(_ data: Data) {
        switch self {
        case .einsum:
            // Parse, analyze the passes and resolve the cascade's costs for a small call.
            let path = Self.scratch + "/input.einsum"
            guard FileManager.default.createFile(atPath: path, contents: data) else { return }
            _ = try? AlgorithmResolver.resolve(path, shape: AttentionShape(batch: 1, heads: 2, qLen: 64, headDim: 32))
        case .profile:
            guard let text = String(data: data, encoding: .utf8) else { return }
            if let profile = try? ProfileLoader.load(xml: text, file: "fuzz.xml", searchDirectory: ProfileLibrary.profilesDirectory),
               profile.kind == .gpu, let machine = try? GPUMachine(profile: profile) {
                _ = try? Experiment.simulateAttention(shape: AttentionShape(batch: 1, heads: 2, qLen: 128, headDim: 64), preset: .auto, machine: machine)
            }
        case .experiment:
            let path = Self.scratch + "/input.xml"
            guard FileManager.default.createFile(atPath: path, contents: data) else { return }
            _ = try? ExperimentFile.load(path: path)
        case .measurement:
            let path = Self.scratch + "/input.jsonl"
            guard FileManager.default.createFile(atPath: path, contents: data),
                  let profile = try? ProfileResolver.load("nvidia-h100-sxm") else { return }
            _ = try? AccuracyReport.run(path: path, profile: profile)
        case .sweep:
            // A few points only: a hang is an input that takes > 5 s, and a real sweep point
            // may take tens of milliseconds.
            guard let path = Self.write(data, as: "input-sweep.xml") else { return }
            _ = EinsimCommand.capture(arguments: ["sweep", path, "--max-points", "8", "--threads", "1", "--format", "csv"])
        case .report:
            guard let path = Self.write(data, as: "input-results.json") else { return }
            _ = EinsimCommand.capture(arguments: ["report", path, "--html", Self.scratch + "/report.html"])
        case .merge:
            guard let path = Self.write(data, as: "input-shard.csv") else { return }
            _ = EinsimCommand.capture(arguments: ["merge", path, path])
            _ = EinsimCommand.capture(arguments: ["merge", path])
        case .variant:
            guard let text = String(data: data, encoding: .utf8), let spec = try? VariantSpec.parse(text) else { return }
            let shape = AttentionShape(batch: 1, heads: 2, qLen: 256, headDim: 64)
            if let machine = try? GPUMachine(profile: ProfileResolver.load("nvidia-h100-sxm")) {
                _ = try? Experiment.simulateVariant(spec, shape: shape, preset: .auto, machine: machine)
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    FuzzHarness.selected.run(Data(bytes: bytes, count: count))
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The executable's entry (SwiftPM links `main` to `einsim_fuzz_main`): hands over to libFuzzer.
@_cdecl("einsim_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
struct FuzzUsage {
    static func main() {
        print("einsim-fuzz: libFuzzer harnesses (\(FuzzHarness.allCases.map(\.rawValue).joined(separator: ", "))). Run Scripts/fuzz.sh [seconds per harness].")
    }
}
#endif
