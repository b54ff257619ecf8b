import Dispatch
import Einsim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C during a mapper search stops the search with its best mapping so far (the result says
/// `stopped_early`); a second Ctrl-C, or one outside a search, ends the process (exit 130).
/// The signal is delivered to a dispatch source, not handled in signal context.
enum InterruptHandling {
    nonisolated(unsafe) private static var source: DispatchSourceSignal?
    nonisolated(unsafe) private static var pressed = 0

    static func install() {
        guard source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler {
            pressed += 1
            if pressed == 1, SearchInterrupt.searching {
                SearchInterrupt.request()
                writeStandardError("\ninterrupted: returning the best mapping found so far (Ctrl-C again to quit)\n")
            } else {
                exit(130)
            }
        }
        s.resume()
        source = s
    }
}
