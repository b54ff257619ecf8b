import Foundation
import EinsimCore

/// Parsing of the changed-algebra and lower-precision variants (kept apart from the sparse-mask
/// variants so that both families can grow independently).
extension VariantSpec {
    /// Changed-algebra and precision variants, for `einsim list`.
    public static let algebraCatalog: [(name: String, summary: String)] = [
        ("linear[:block=B]", "Lightning Attention: intra-block quadratic + inter-block KV-state recurrence (constant time per token)"),
        ("sla:critical=C,marginal=M[,block=B]", "SLA: critical blocks as sparse softmax attention, marginal blocks as linear attention"),
        ("mla[:latent=512,rope=64]", "multi-head latent attention (DeepSeek-V3): decode reads the latent cache, up-projections absorbed"),
        ("moh:active=F", "mixture-of-head attention: each token uses a fraction F of the heads"),
        ("precision:qk=P,pv=P", "operand precisions on the matrix unit (SageAttention2: qk=int4,pv=fp8; FP8 attention: qk=fp8,pv=fp8)"),
        ("kv-cache:bits=N[,group=G]", "KV cache quantized to N = 8, 4 or 2 bits (+ fp16 scale and zero per G elements), dequantized on the ALUs"),
    ]

    /// Names of the variants parsed here (for suggestions).
    static let extendedNames = ["linear", "sla", "mla", "moh", "precision", "kv-cache"]

    /// The variant for `name` when it is one of this family; nil otherwise.
    static func parseExtended(name: String, text: String, params: [String: String]) throws -> VariantSpec? {
        guard extendedNames.contains(name) else { return nil }
        func check(_ allowed: Set<String>) throws {
            for k in params.keys.sorted() where !allowed.contains(k) {
                throw SimpleInputError("variant '\(name)' has no parameter '\(k)'",
                                       suggestion: Suggestions.didYouMean(k, in: allowed) ?? (allowed.isEmpty ? "'\(name)' takes no parameters" : "parameters: " + allowed.sorted().joined(separator: ", ")))
            }
        }
        func number(_ key: String) throws -> Double? {
            guard let v = params[key] else { return nil }
            guard let d = Double(v), d.isFinite else { throw SimpleInputError("variant '\(name)': \(key)=\(v) is not a number") }
            return d
        }
        func integer(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let d = try number(key) else { return value }
            guard d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
                throw SimpleInputError("variant '\(name)': \(key) must be an integer in \(range.lowerBound)…\(range.upperBound), got \(params[key] ?? "")")
            }
            return Int(d)
        }
        func fraction(_ key: String, example: String) throws -> Double {
            guard let f = try number(key) else { throw SimpleInputError("\(name) needs \(key)=…", suggestion: "e.g. \(example)") }
            guard f >= 0, f <= 1 else { throw SimpleInputError("variant '\(name)': \(key) must be in [0, 1], got \(f)") }
            return f
        }
        var spec = VariantSpec(text: text, mask: .dense)
        switch name {
        case "linear":
            try check(["block"])
            spec.algebra = .linear(block: try integer("block", default: 128, range: 16...4096))
        case "sla":
            try check(["critical", "marginal", "block"])
            let example = "sla:critical=0.05,marginal=0.1"
            let critical = try fraction("critical", example: example), marginal = try fraction("marginal", example: example)
            guard critical > 0, critical + marginal <= 1 else {
                throw SimpleInputError("sla: critical must be > 0 and critical + marginal ≤ 1, got \(critical) + \(marginal)", suggestion: "e.g. \(example)")
            }
            let block = try integer("block", default: 128, range: 16...4096)
            spec.algebra = .sparseLinear(critical: critical, marginal: marginal, block: block)
            spec.mask = .blockSparse(density: critical, block: block, keepDiagonal: true)
        case "mla":
            try check(["latent", "rope"])
            spec.algebra = .latent(latent: try integer("latent", default: 512, range: 1...65536),
                                   rope: try integer("rope", default: 64, range: 0...65536))
        case "moh":
            try check(["active"])
            let active = try fraction("active", example: "moh:active=0.75")
            guard active > 0 else { throw SimpleInputError("moh: active must be > 0", suggestion: "e.g. moh:active=0.75") }
            spec.algebra = .mixtureOfHeads(active: active)
        case "precision":
            try check(["qk", "pv"])
            guard !params.isEmpty else { throw SimpleInputError("precision needs qk=… and/or pv=…", suggestion: "e.g. precision:qk=int4,pv=fp8") }
            func precision(_ key: String) throws -> Precision {
                guard let v = params[key] else { return .bf16 }
                let allowed: [Precision] = [.bf16, .fp16, .fp8, .int8, .int4]
                guard let p = Precision(rawValue: v.lowercased()), allowed.contains(p) else {
                    throw SimpleInputError("precision: \(key)=\(v) is not a matrix operand precision",
                                           suggestion: Suggestions.didYouMean(v, in: allowed.map(\.rawValue)) ?? "use " + allowed.map(\.rawValue).joined(separator: ", "))
                }
                return p
            }
            spec.precision.qk = try precision("qk")
            spec.precision.pv = try precision("pv")
        case "kv-cache":
            try check(["bits", "group"])
            let bits = try integer("bits", default: 0, range: 0...16)
            guard [2, 4, 8].contains(bits) else { throw SimpleInputError("kv-cache needs bits=8, 4 or 2", suggestion: "e.g. kv-cache:bits=4") }
            spec.precision.kvCacheBits = bits
            spec.precision.kvCacheGroup = try integer("group", default: 128, range: 1...1 << 20)
        default:
            return nil
        }
        return spec
    }
}

extension VariantSpec {
    /// True when the variant changes the algebra or a precision (costed by an attention plan
    /// rather than by the softmax kernel alone).
    public var changesAlgebraOrPrecision: Bool { algebra != .softmax || precision != AttentionPrecision() }
}
