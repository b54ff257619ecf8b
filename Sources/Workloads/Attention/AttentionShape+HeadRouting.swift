extension AttentionShape {
    /// The call as mixture-of-head attention runs it when each token is routed to an `active`
    /// fraction of the heads: that many heads' work (rounded up). With grouped KV heads, whole
    /// groups stay: the active query heads are rounded up to a multiple of the KV heads, so
    /// every KV head keeps at least one query head and its K and V are still read.
    public func routedToHeads(active: Double) -> AttentionShape {
        var shape = self
        let kvShared = kvHeads != heads
        var routed = Swift.max(1, Int((active * Double(heads)).rounded(.up)))
        if kvShared {
            routed = Swift.max(kvHeads, Int((Double(routed) / Double(Swift.max(1, kvHeads))).rounded(.up)) * kvHeads)
            shape.heads = routed
        } else {
            shape.heads = routed; shape.kvHeads = routed
        }
        return shape
    }
}
