import Einsim
import Foundation

/// Shared fixtures: the shipped H100 profile and the repository root.
enum Fixtures {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func machine(_ name: String = "nvidia-h100-sxm") throws -> GPUMachine {
        try GPUMachine(profile: ProfileResolver.load(name))
    }

    static func simulate(_ shape: AttentionShape, _ preset: KernelPreset = .fa2, on name: String = "nvidia-h100-sxm") throws -> SimulationResult {
        try Experiment.simulateAttention(shape: shape, preset: preset, machine: try machine(name))
    }
}

/// Relative difference |a − b| / |b|.
func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
