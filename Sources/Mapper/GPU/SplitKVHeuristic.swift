import EinsimCore

/// How many thread blocks the key/value sequence of a decode call is split over.
///
/// FlashAttention-2's `num_splits_heuristic`: no split when the (batch × heads × row-blocks) grid
/// already fills 80% of the SMs; otherwise the smallest split count whose wave efficiency is
/// within 85% of the best, skipping counts that give the same blocks per split as a smaller one.
public enum SplitKVHeuristic {
    public static func splits(gridBlocks: Int, processors: Int, keyBlocks: Int, maxSplits: Int) -> Int {
        guard gridBlocks > 0, processors > 0, keyBlocks > 1 else { return 1 }
        if Double(gridBlocks) >= 0.8 * Double(processors) { return 1 }
        let limit = max(1, min(maxSplits, processors, keyBlocks))
        func efficiency(_ s: Int) -> Double {
            let waves = Double(gridBlocks * s) / Double(processors)
            return waves / waves.rounded(.up)
        }
        func eligible(_ s: Int) -> Bool {
            s == 1 || ceilDiv(keyBlocks, s) != ceilDiv(keyBlocks, s - 1)
        }
        var best = 0.0
        for s in 1...limit where eligible(s) { best = max(best, efficiency(s)) }
        for s in 1...limit where eligible(s) && efficiency(s) >= 0.85 * best { return s }
        return 1
    }
}

extension SplitKVHeuristic {
    /// cuDNN's lean-attention split (``SplitPolicy/leanAttention``): none when the grid fills 80%
    /// of the SMs, else the largest power of two ≤ 2 × SMs / grid (at most the key blocks); times
    /// `parts` when the kernel's K/V buffer takes a tile pair in that many parts (each block then
    /// streams the keys of one part's share: d = 256 ran twice the blocks of d = 128 at every
    /// batch on the H200, 256-1024 blocks, Calibration/results/h200-cudnn-decode-inflight-2026-12-02.jsonl).
    public static func leanSplits(gridBlocks: Int, processors: Int, keyBlocks: Int, maxSplits: Int, parts: Int = 1) -> Int {
        guard gridBlocks > 0, processors > 0, keyBlocks > 1 else { return 1 }
        let limit = max(1, min(maxSplits, keyBlocks))
        let base: Int
        if Double(gridBlocks) >= 0.8 * Double(processors) {
            base = 1
        } else {
            let target = max(1, min(limit, 2 * processors / gridBlocks))
            var s = 1
            while s * 2 <= target { s *= 2 }
            base = s
        }
        return max(1, min(limit, base * max(1, parts)))
    }
}
