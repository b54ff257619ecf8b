import EinsimCore
/// A neighborhood (sliding-window) pattern on a 1-, 2- or 3-D token grid laid out row-major
/// (the last dimension is contiguous), in the GNA family's terms: per dimension a window of
/// `window` tokens (the kernel size, clamped at the borders so every query sees the same count),
/// a `stride` (queries in groups of `stride` share one window: stride 1 = neighborhood,
/// stride = window = blocked attention) and a `dilation` (the window skips `dilation − 1`
/// tokens; queries attend within their residue class).
public struct NeighborhoodGeometry: Sendable, Hashable, Codable {
    /// Grid extent per dimension, outermost first (product = tokens); empty = 1-D over the call's keys.
    public var grid: [Int]
    public var window: [Int]
    public var stride: [Int]
    public var dilation: [Int]

    public init(grid: [Int] = [], window: [Int], stride: [Int]? = nil, dilation: [Int]? = nil) {
        self.grid = grid
        self.window = window
        self.stride = stride ?? Array(repeating: 1, count: window.count)
        self.dilation = dilation ?? Array(repeating: 1, count: window.count)
    }

    /// The grid for a sequence of `tokens` tokens (1-D when no grid was given).
    public func extents(tokens: Int) -> [Int] { grid.isEmpty ? [max(1, tokens)] : grid }

    /// Per-dimension parameter `values[i]` or the last one given (`window=7` on a 2-D grid = 7×7).
    static func value(_ values: [Int], _ i: Int, default d: Int) -> Int {
        values.isEmpty ? d : max(1, values[min(i, values.count - 1)])
    }

    /// Keys along dimension `i` (of extent `n`) that coordinate `x` attends: the start of its
    /// window in its residue class's index, the count, and the class (so key = class + δ·(start + j)).
    public func window(dimension i: Int, extent n: Int, coordinate x: Int) -> (start: Int, count: Int, residue: Int, dilation: Int) {
        let d = Self.value(dilation, i, default: 1)
        let k = Self.value(window, i, default: n)
        let s = Self.value(stride, i, default: 1)
        let residue = x % d
        let classSize = (n - residue + d - 1) / d           // tokens with this residue
        let local = x / d                                   // index within the class
        let count = min(k, classSize)
        // Queries in a stride group share the window centred on the group's centre.
        let groupStart = (local / s) * s
        let centre = min(classSize - 1, groupStart + (s - 1) / 2)
        let start = min(max(0, centre - (k - 1) / 2), classSize - count)
        return (start, count, residue, d)
    }

    /// Exact fraction of the (tokens × tokens) score matrix kept: the product over dimensions of
    /// Σ_classes n_c · min(window, n_c) / n², since each query keeps min(window, n_c) keys per dimension.
    public func keptFraction(tokens: Int) -> Double {
        let extents = extents(tokens: tokens)
        var fraction = 1.0
        for (i, n) in extents.enumerated() where n > 0 {
            let d = Self.value(dilation, i, default: 1), k = Self.value(window, i, default: n)
            var pairs = 0.0
            for r in 0..<min(d, n) {
                let nc = Double((n - r + d - 1) / d)
                pairs += nc * min(Double(k), nc)
            }
            fraction *= pairs / (Double(n) * Double(n))
        }
        return min(1, fraction)
    }

    /// `2048`, `8x8`, `3x7x7` style rendering of a per-dimension list.
    static func render(_ values: [Int]) -> String { values.map(String.init).joined(separator: "x") }

    /// Spec fragment (`window=…[,grid=…][,stride=…][,dilation=…]`).
    public var spec: String {
        var s = "window=\(Self.render(window))"
        if !grid.isEmpty { s += ",grid=\(Self.render(grid))" }
        if stride.contains(where: { $0 != 1 }) { s += ",stride=\(Self.render(stride))" }
        if dilation.contains(where: { $0 != 1 }) { s += ",dilation=\(Self.render(dilation))" }
        return s
    }
}
