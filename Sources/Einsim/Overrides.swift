import EinsimCore
import HardwareModel
import Simulator

extension HardwareProfile {
    /// This profile with the parameter at `path` set to `value`, written with its unit as in a
    /// sweep (`"6.7TB/s"`, `"1.5GHz"`, `"40MiB"`, `"500W"`, `"2us"`; counts as integers).
    ///
    /// `path` is any ``ProfileParameterPath``: `hbm.bandwidth`, `tensor-core.count`,
    /// `pe-2d.rows`, `global-buffer.capacity`, `power.limit`, `dram.tRCD`,
    /// `parameter.fa2.combine-step`, … (``parameterPaths`` lists this profile's). The profile is
    /// edited in memory and checked as a loaded one is; a bad path or value is an error that
    /// suggests the nearest valid name.
    ///
    /// ```swift
    /// let h100 = try ProfileResolver.load("nvidia-h100-sxm")
    /// let faster = try h100.setting("hbm.bandwidth", to: "6.7TB/s").setting("clock", to: "1.98GHz")
    /// ```
    public func setting(_ path: String, to value: String) throws -> HardwareProfile {
        try SweepParameter.apply(path, value, to: self)
    }

    /// This profile with the parameter at `path` set to `value` in SI base units (B/s, B, Hz, W,
    /// s, J per bit or per operation; counts as whole numbers). See ``setting(_:to:)``.
    public func setting(_ path: String, si value: Double) throws -> HardwareProfile {
        try ProfileParameterPath.apply(path, value, to: self)
    }

    /// Every parameter path this profile offers to ``setting(_:to:)`` and to sweeps.
    public var parameterPaths: [String] { ProfileParameterPath.paths(of: self) }
}

extension SweepParameter {
    /// A parameter from its name and values as written (`"hbm.bandwidth"`, `["2TB/s", "4TB/s"]`);
    /// the same checks and SI numbers as `--sweep NAME=V1,V2`.
    public init(_ name: String, _ values: [String]) throws {
        self = try SweepParameter.parse(name: name, values: values.joined(separator: ","))
    }

    /// A parameter from its name and a range (`"1TB/s:8TB/s:x2"`, `"64:256:+64"`) or comma list,
    /// as `--sweep NAME=VALUES` takes it.
    public init(_ name: String, range: String) throws {
        self = try SweepParameter.parse(name: name, values: range)
    }
}

extension SweepBase {
    /// An experiment on a model preset: `model` (`llama-3-8b`, …) in `phase` (`prefill` or
    /// `decode`) at sequence length `seq`, on the `hardware` profiles (names or paths).
    public init(hardware: [String], model: String, phase: String, seq: Int, batch: Int = 1,
                variants: [String] = ["dense"], mapping: String? = nil, engine: EngineChoice = .roofline) {
        self.init()
        self.hardware = hardware; self.model = model; self.phase = phase; self.seq = seq; self.batch = batch
        self.variants = variants; self.mapping = mapping; self.engine = engine
    }

    /// An experiment on an explicit attention shape, on the `hardware` profiles (names or paths).
    /// `mapping` is a preset (`fa2`, `fusemax`, `flat`, …) or nil for the mapper's search.
    public init(hardware: [String], batch: Int = 1, heads: Int, kvHeads: Int? = nil, qLen: Int, kvLen: Int? = nil, headDim: Int,
                causal: Bool = false, variants: [String] = ["dense"], mapping: String? = nil, engine: EngineChoice = .roofline) {
        self.init()
        self.hardware = hardware; self.batch = batch; self.heads = heads; self.kvHeads = kvHeads; self.qLen = qLen; self.kvLen = kvLen
        self.headDim = headDim; self.causal = causal; self.variants = variants; self.mapping = mapping; self.engine = engine
    }
}

extension Experiment {
    /// Runs one experiment described in code: every (hardware × variant) of `base`, in that
    /// order, exactly as `einsim simulate` with the same options (a sweep of one point).
    public static func run(_ base: SweepBase, search: SpatialSearch.Options = .init()) throws -> [ResultRecord] {
        try AttentionSweep(base: base, parameters: []).evaluate(0, search: search)
    }
}
