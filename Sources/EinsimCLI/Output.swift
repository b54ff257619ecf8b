import Foundation

/// Where the CLI writes: standard output/error, or a capture buffer (tests run commands
/// in-process, concurrently, each with its own buffer).
public final class OutputSink: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    public init() {}

    func write(_ text: String, error: Bool) {
        lock.lock(); defer { lock.unlock() }
        if error { err += text } else { out += text }
    }

    public var standardOutput: String { lock.lock(); defer { lock.unlock() }; return out }
    public var standardError: String { lock.lock(); defer { lock.unlock() }; return err }

    @TaskLocal static var current: OutputSink?
}

/// Prints a line to the current output (standard output unless captured).
func emit(_ text: String, terminator: String = "\n") {
    if let sink = OutputSink.current { sink.write(text + terminator, error: false) } else { print(text, terminator: terminator) }
}

/// Writes `text` to standard error (or the capture buffer).
func writeStandardError(_ text: String) {
    if let sink = OutputSink.current { sink.write(text, error: true); return }
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let written = write(2, base + offset, buffer.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}

extension EinsimCommand {
    /// Runs the CLI in-process with its output captured: (exit status, stdout, stderr).
    public static func capture(arguments: [String]) -> (status: Int32, output: String, error: String) {
        let sink = OutputSink()
        let status = OutputSink.$current.withValue(sink) { run(arguments: arguments) }
        return (status, sink.standardOutput, sink.standardError)
    }
}
