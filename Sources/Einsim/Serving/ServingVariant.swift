import EinsimCore
import Simulator
import Workloads

/// What a variant changes in one request's decode attention (per device): the tokens each head
/// attends (and, on PIM, the rows it must open), the bytes per cached element, and the scorer
/// that picks the tokens, which runs first as a GEMV of its own.
///
/// Supported on every serving organization: `dense`, decode token selection (`double-sparsity`,
/// `quest`, `razor`), `kv-cache` quantization and `block-sparse` masks over the cached blocks.
/// Prefill-shaped patterns (windows over a query grid, top-k/top-p over query blocks), linear
/// and latent algebras and operand precisions are refused with what would work.
struct ServingVariant {
    let spec: VariantSpec
    let bytesPerElement: Double
    let selection: TokenSelection?
    let blockDensity: Double?
    let block: Int

    init(_ spec: VariantSpec) throws {
        self.spec = spec
        bytesPerElement = spec.precision.kvCacheBytesPerElement
        guard case .softmax = spec.algebra else {
            throw SimulationError.unsupported("variant '\(spec.text)' changes the attention algebra; --scope serving runs softmax attention (dense, kv-cache, double-sparsity, quest, razor, block-sparse); run it with --scope attention --phase decode")
        }
        guard !spec.precision.quantizesOperands else {
            throw SimulationError.unsupported("variant '\(spec.text)' quantizes the matrix operands; PIM units multiply fp16, so --scope serving runs kv-cache quantization only")
        }
        switch spec.mask {
        case .dense:
            selection = nil; blockDensity = nil; block = 1
        case let .blockSparse(density, b, _):
            selection = nil; blockDensity = min(1, max(0, density)); block = max(1, b)
        case let .pattern(pattern) where pattern.decode != nil:
            selection = pattern.decode; blockDensity = nil; block = 1
        default:
            throw SimulationError.unsupported("variant '\(spec.text)' is a pattern over query positions; decoding has one query per request: use double-sparsity, quest, razor, block-sparse or kv-cache with --scope serving")
        }
    }

    /// One head group of a request: `heads` heads attending `tokens` tokens whose rows span
    /// `activated` tokens (scattered selections open more rows than they compute).
    struct HeadGroup { var heads: Int; var tokens: Int; var activated: Int }

    /// Tokens per DRAM row of a key row-major cache (whole keys per bank row).
    static func keysPerRow(rowBytes: Double, headDim: Int, bytesPerElement: Double) -> Int {
        max(1, Int((rowBytes / (Double(headDim) * bytesPerElement)).rounded(.down)))
    }

    /// The head groups of a request with `context` cached tokens and `heads` heads.
    func groups(context: Int, heads: Int, keysPerRow: Int) -> [HeadGroup] {
        if let density = blockDensity {
            let blocks = (context + block - 1) / block
            let kept = min(blocks, max(1, Int((density * Double(blocks)).rounded(.up))))
            let tokens = min(context, kept * block)
            // Kept blocks of at least a row's keys open only their own rows.
            let activated = block >= keysPerRow ? tokens : Self.rowsTouched(context: context, fraction: Double(tokens) / Double(max(1, context)), run: block, keysPerRow: keysPerRow)
            return [HeadGroup(heads: heads, tokens: tokens, activated: activated)]
        }
        guard let s = selection else { return [HeadGroup(heads: heads, tokens: context, activated: context)] }
        if !s.isDynamic {
            // RazorAttention: retrieval heads keep the cache, the others a window plus sinks.
            let full = min(heads, Int((s.fullHeadFraction * Double(heads)).rounded()))
            let local = min(context, s.localWindow + s.sinkTokens)
            return [HeadGroup(heads: full, tokens: context, activated: context),
                    HeadGroup(heads: heads - full, tokens: local, activated: local)].filter { $0.heads > 0 }
        }
        let tokens = max(1, min(context, Int(s.tokensRead(kvLen: context).rounded(.up))))
        let activated = Self.rowsTouched(context: context, fraction: Double(tokens) / Double(max(1, context)), run: s.pageTokens, keysPerRow: keysPerRow)
        return [HeadGroup(heads: heads, tokens: tokens, activated: max(tokens, activated))]
    }

    /// Tokens of the rows a selection of `fraction` of the tokens, in runs of `run`, opens: a row
    /// of k keys holds ⌈k / run⌉ independent runs; it stays closed only if none is selected.
    static func rowsTouched(context: Int, fraction: Double, run: Int, keysPerRow: Int) -> Int {
        let runsPerRow = Double(max(1, (keysPerRow + max(1, run) - 1) / max(1, run)))
        let touched = 1 - Foundation.pow(1 - min(1, max(0, fraction)), runsPerRow)
        return min(context, Int((touched * Double(context)).rounded(.up)))
    }

    /// The scorer's GEMV per head, when the selection is predicted: Double Sparsity scores every
    /// token on r = C·d label channels; Quest bounds every page by its key min and max (2·d).
    func scorer(context: Int, headDim: Int) -> (tokens: Int, dimension: Int)? {
        guard let s = selection, s.isDynamic else { return nil }
        if s.pageTokens > 1 {
            return (max(1, (context + s.pageTokens - 1) / s.pageTokens), 2 * headDim)
        }
        return (context, max(1, Int((s.channelFraction * Double(headDim)).rounded(.up))))
    }
}

import Foundation
