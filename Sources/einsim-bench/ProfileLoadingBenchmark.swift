import Einsim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads every shipped profile `rounds` times and reports the time for one pass over all of them.
func benchmarkProfileLoading(rounds: Int = 20) -> String {
    let names = ProfileLibrary.shippedProfileNames()
    guard !names.isEmpty else { return "profile loading: no shipped profiles found" }
    var failures = 0
    // One untimed pass warms the file cache.
    for name in names where (try? ProfileLibrary.load(name)) == nil { failures += 1 }
    let start = monotonicSeconds()
    for _ in 0..<rounds {
        for name in names where (try? ProfileLibrary.load(name)) == nil { failures += 1 }
    }
    let elapsed = monotonicSeconds() - start
    let perPass = elapsed / Double(rounds) * 1000
    let loadsPerSecond = Double(rounds * names.count) / elapsed
    let failed = failures > 0 ? " (\(failures) failed)" : ""
    return "profile loading: all \(names.count) shipped profiles in \(String(format1(perPass))) ms (\(Int(loadsPerSecond)) loads/s)\(failed)"
}

private func format1(_ value: Double) -> String {
    let tenths = (value * 10).rounded() / 10
    return "\(tenths)"
}

private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
