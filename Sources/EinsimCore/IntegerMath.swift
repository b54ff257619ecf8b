/// ⌈a / b⌉ for non-negative `a` and positive `b` (0 when b ≤ 0); never overflows.
@inline(__always) public func ceilDiv(_ a: Int, _ b: Int) -> Int {
    guard b > 0 else { return 0 }
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r > 0 ? q + 1 : q
}
