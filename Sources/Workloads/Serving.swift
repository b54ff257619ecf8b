import EinsimCore

/// A request dataset's mean prompt and generated lengths (tokens), which set the KV-cache lengths
/// a decoding batch attends over.
public struct ServingDataset: Sendable, Hashable {
    public var name: String
    public var meanInputTokens: Int
    public var meanOutputTokens: Int
    public var source: String

    /// A dataset of requests with `meanInputTokens` prompt and `meanOutputTokens` generated tokens.
    public init(name: String, meanInputTokens: Int, meanOutputTokens: Int, source: String) {
        self.name = name; self.meanInputTokens = meanInputTokens; self.meanOutputTokens = meanOutputTokens; self.source = source
    }

    public static let all: [ServingDataset] = [
        .init(name: "sharegpt", meanInputTokens: 80, meanOutputTokens: 296, source: "pim.md: NeuPIMs datasets, ShareGPT mean input/output 80/296"),
        .init(name: "alpaca", meanInputTokens: 12, meanOutputTokens: 56, source: "pim.md: NeuPIMs datasets, Alpaca mean input/output 12/56"),
    ]

    /// Longest request a dataset may describe (input + output tokens): a PIM GEMV's tiles grow
    /// with the context, and 1M tokens is the longest context the engines are specified for.
    public static let maximumRequestTokens = 1 << 20

    /// The dataset named `name` (`sharegpt`, `alpaca`), or `IN:OUT`: requests of IN prompt and
    /// OUT generated tokens on average (e.g. `2048:128`); an input error with a suggestion otherwise.
    public static func named(_ name: String) throws -> ServingDataset {
        if let d = all.first(where: { $0.name == name.lowercased() }) { return d }
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        let known = "datasets: " + all.map(\.name).joined(separator: ", ") + ", or IN:OUT (mean prompt and generated tokens, e.g. 2048:128)"
        guard parts.count == 2 else {
            throw SimpleInputError("unknown dataset '\(name.prefix(40))'", suggestion: Suggestions.didYouMean(name, in: all.map(\.name)) ?? known)
        }
        guard let input = Int(parts[0]), let output = Int(parts[1]), input >= 0, output >= 0, input + output >= 1,
              input <= maximumRequestTokens, output <= maximumRequestTokens, input + output <= maximumRequestTokens else {
            throw SimpleInputError("dataset '\(name.prefix(40))': IN:OUT takes whole numbers of prompt and generated tokens, together 1 to \(maximumRequestTokens)",
                                   suggestion: known)
        }
        return ServingDataset(name: "\(input):\(output)", meanInputTokens: input, meanOutputTokens: output,
                              source: "given: mean input/output \(input)/\(output) tokens")
    }
}

/// Tensor parallelism (each layer's heads and FFN columns split over `tensor` devices) and
/// pipeline parallelism (the layers split over `pipeline` stages).
public struct Parallelism: Sendable, Hashable {
    public var tensor: Int
    public var pipeline: Int

    public init(tensor: Int = 1, pipeline: Int = 1) { self.tensor = tensor; self.pipeline = pipeline }

    public var devices: Int { tensor * pipeline }

    /// The parallelism the NeuPIMs paper serves each GPT-3 size with (pim.md); one device otherwise.
    public static func published(for model: ModelPreset) -> Parallelism {
        switch model.name {
        case "gpt-3-6.7b", "gpt-3-13b": return Parallelism(tensor: 4, pipeline: 1)
        case "gpt-3-30b": return Parallelism(tensor: 4, pipeline: 2)
        case "gpt-3-175b": return Parallelism(tensor: 8, pipeline: 4)
        default: return Parallelism()
        }
    }
}

/// Batched decoding of a model: `batch` requests in flight, each generating one token per
/// iteration over its own KV cache.
///
/// Request lengths: in a continuously batched steady state a request in flight is uniformly far
/// through its output, so request i of B attends over input + ⌈output × (i + ½) / B⌉ tokens
/// (deterministic; the mean is input + output / 2, and the spread is what load balancing sees).
public struct ServingWorkload: Sendable, Hashable {
    public var model: ModelPreset
    public var batch: Int
    public var dataset: ServingDataset
    public var parallelism: Parallelism

    public init(model: ModelPreset, batch: Int, dataset: ServingDataset, parallelism: Parallelism? = nil) {
        self.model = model; self.batch = batch; self.dataset = dataset
        self.parallelism = parallelism ?? .published(for: model)
    }

    /// Checks what the model cannot split or the batch cannot hold.
    public func validate() throws {
        guard model.causal, model.crossAttentionTokens == 0 else {
            throw SimpleInputError("--model \(model.name) is not a causal language model; --scope serving decodes one (e.g. gpt-3-30b, llama-3-8b)",
                                   suggestion: "use --scope end-to-end for encoders and diffusion transformers")
        }
        guard model.latent == nil else {
            throw SimulationError.unsupported("\(model.name) caches a latent KV (multi-head latent attention); --scope serving lays out per-head K/V caches only, so it would read the wrong bytes — use --scope end-to-end --phase decode --variant mla")
        }
        guard batch >= 1, batch <= 1 << 20 else {
            throw SimpleInputError("--batch \(batch): serving needs 1 to 2^20 requests", suggestion: "e.g. --batch 256")
        }
        let p = parallelism
        guard p.tensor >= 1, p.pipeline >= 1, p.tensor <= 1024, p.pipeline <= 1024 else {
            throw SimpleInputError("--tensor-parallel \(p.tensor) --pipeline-parallel \(p.pipeline): each must be 1 to 1024", suggestion: "e.g. --tensor-parallel 4")
        }
        guard model.heads % p.tensor == 0, model.kvHeads % p.tensor == 0, model.ffn % p.tensor == 0 else {
            throw SimpleInputError("--tensor-parallel \(p.tensor) does not divide \(model.name)'s \(model.heads) heads and \(model.ffn) FFN columns",
                                   suggestion: "choose a divisor of \(model.heads)")
        }
        guard model.layers % p.pipeline == 0 else {
            throw SimpleInputError("--pipeline-parallel \(p.pipeline) does not divide \(model.name)'s \(model.layers) layers",
                                   suggestion: "choose a divisor of \(model.layers)")
        }
    }

    /// The KV-cache length of every request, in request order.
    public var contextLengths: [Int] {
        let input = dataset.meanInputTokens, output = Double(dataset.meanOutputTokens), b = Double(batch)
        return (0..<batch).map { i in input + Int((output * (Double(i) + 0.5) / b).rounded(.up)) }
    }

    public var meanContextLength: Double {
        let lengths = contextLengths
        return lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    }

    /// One device's share of a layer under tensor parallelism (heads and FFN columns divided).
    public var shardedModel: ModelPreset {
        var m = model
        m.heads /= parallelism.tensor; m.kvHeads /= parallelism.tensor; m.ffn /= parallelism.tensor
        return m
    }

    /// Layers one pipeline stage runs.
    public var layersPerStage: Int { model.layers / parallelism.pipeline }
}
