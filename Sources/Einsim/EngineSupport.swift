import Simulator

/// Which engines simulate attention on a profile, found by running each on a small call (not a
/// table): what `einsim list` shows.
public struct EngineSupport: Sendable {
    /// The profile (name or path).
    public var profile: String
    /// The engines that simulated the probe call, in ``EngineChoice`` order.
    public var supported: [EngineChoice]
    /// Why each other engine did not (its error's text).
    public var refusals: [EngineChoice: String]

    /// The probe: one small prefill call (batch 1, 4 heads, 512 queries and keys, head dim 64)
    /// with the mapper's choice, on `profile` under `engine`.
    public static func runs(_ engine: EngineChoice, on profile: String) -> Result<Void, any Error> {
        let base = SweepBase(hardware: [profile], batch: 1, heads: 4, qLen: 512, headDim: 64, engine: engine)
        return Result { _ = try Experiment.run(base, search: SpatialSearch.Options(timeLimit: 10)) }
    }

    /// Every engine checked on `profile`.
    public static func probe(_ profile: String) -> EngineSupport {
        var supported: [EngineChoice] = []
        var refusals: [EngineChoice: String] = [:]
        for engine in EngineChoice.allCases {
            switch runs(engine, on: profile) {
            case .success: supported.append(engine)
            case let .failure(error): refusals[engine] = "\(error)"
            }
        }
        return EngineSupport(profile: profile, supported: supported, refusals: refusals)
    }

    /// Every profile of `profiles` checked, in parallel, in the given order.
    public static func probe(_ profiles: [String]) -> [EngineSupport] {
        SweepExecution.map(0..<profiles.count) { probe(profiles[$0]) }
    }
}
