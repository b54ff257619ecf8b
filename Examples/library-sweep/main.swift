// A design-space sweep written against the library (`import Einsim`): how block sparsity and
// HBM bandwidth trade off for Llama-3-8B prefill and decode on an H100-class GPU.
//
//   swift run library-sweep-example
import Einsim

let base = try ProfileLibrary.load("nvidia-h100-sxm")
let model = try ModelPreset.named("llama-3-8b")

print("bandwidth  phase    density  latency      energy     bound")
for bandwidth in ["3.35TB/s", "4.8TB/s", "8TB/s"] {
    // Profile parameters are edited in memory, exactly as `einsim sweep` does.
    let profile = try SweepParameter.apply("hbm.bandwidth", bandwidth, to: base)
    let machine = try GPUMachine(profile: profile)
    for phase in [Phase.prefill, .decode] {
        for density in [1.0, 0.25, 0.1] {
            var shape = model.attentionShape(phase: phase, seq: 32768, batch: phase == .decode ? 16 : 1)
            if density < 1 { shape.mask = .blockSparse(density: density, block: 128, keepDiagonal: true) }
            let result = try Experiment.simulateAttention(shape: shape, preset: phase == .decode ? .fa2 : .flex, machine: machine)
            let columns = [bandwidth.padding(toLength: 9, withPad: " ", startingAt: 0),
                           phase.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                           Format.fixed(density, 2).padding(toLength: 7, withPad: " ", startingAt: 0),
                           Format.seconds(result.latencySeconds).padding(toLength: 11, withPad: " ", startingAt: 0),
                           Format.joules(result.energyJoules).padding(toLength: 10, withPad: " ", startingAt: 0),
                           result.bound]
            print(columns.joined(separator: "  "))
        }
    }
}
