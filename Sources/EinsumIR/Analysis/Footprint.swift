extension BoundCascade {
    /// Peak bytes of tensors that are live at once when the Einsums run one at a time in file
    /// order (initializations first): a tensor is live from the step that first produces it
    /// (inputs: from the start) to the step that last reads it (outputs: to the end).
    ///
    /// This is the minimal footprint of the *unfused* schedule, where every intermediate is
    /// materialized whole; fused mappings of 1-pass cascades can need less (one fiber or tile).
    public func minimalLiveFootprintBytes() -> Double {
        let steps = cascade.initializations + cascade.einsums
        guard !steps.isEmpty else { return 0 }
        var first: [String: Int] = [:], last: [String: Int] = [:]
        for (s, e) in steps.enumerated() {
            if first[e.outputTensor] == nil { first[e.outputTensor] = s }
            last[e.outputTensor] = max(last[e.outputTensor] ?? s, s)
            for t in e.inputTensors {
                if first[t] == nil { first[t] = s }
                last[t] = s
            }
        }
        var delta = [Double](repeating: 0, count: steps.count + 1)
        for t in cascade.tensors {
            guard var start = first[t.name], var end = last[t.name] else { continue }
            if t.role == .input { start = 0 }
            if t.role == .output { end = steps.count - 1 }
            let tensorBytes = t.ranks.reduce(t.precision.bytes) { $0 * Double(self.size(of: $1) ?? 1) }
            delta[start] += tensorBytes
            delta[end + 1] -= tensorBytes
        }
        var live = 0.0, peak = 0.0
        for s in 0..<steps.count {
            live += delta[s]
            peak = max(peak, live)
        }
        return peak
    }
}
