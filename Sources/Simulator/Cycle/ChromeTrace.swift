/// A timeline in the Chrome trace event format (opens in Perfetto and chrome://tracing): one
/// process per device, one thread (track) per unit, channel or bank group, "X" complete events
/// with `ts`/`dur` in microseconds and "M" metadata events naming processes and threads.
/// ``json`` is deterministic: the same trace gives the same bytes.
public struct ChromeTrace: Sendable, Hashable {
    /// A track: `process` (a device) and `thread` (a unit, channel or bank group on it).
    public struct Track: Sendable, Hashable {
        public var process: String
        public var thread: String

        public init(process: String, thread: String) {
            self.process = process; self.thread = thread
        }
    }

    /// One complete event on track `track` (an index into ``tracks``), times in seconds.
    public struct Event: Sendable, Hashable {
        public var name: String
        public var track: Int
        public var startSeconds: Double
        public var durationSeconds: Double
        public var category: String

        public init(name: String, track: Int, startSeconds: Double, durationSeconds: Double, category: String = "") {
            self.name = name; self.track = track; self.startSeconds = startSeconds
            self.durationSeconds = durationSeconds; self.category = category
        }
    }

    public private(set) var tracks: [Track] = []
    public private(set) var events: [Event] = []

    public init() {}

    /// The index of the track for (process, thread), added when new.
    @discardableResult
    public mutating func track(process: String, thread: String) -> Int {
        let track = Track(process: process, thread: thread)
        if let index = tracks.firstIndex(of: track) { return index }
        tracks.append(track)
        return tracks.count - 1
    }

    /// Adds an event; non-finite or negative times are clamped to 0 so the output stays valid JSON.
    public mutating func add(_ event: Event) {
        var event = event
        if !(event.startSeconds.isFinite && event.startSeconds >= 0) { event.startSeconds = 0 }
        if !(event.durationSeconds.isFinite && event.durationSeconds >= 0) { event.durationSeconds = 0 }
        guard tracks.indices.contains(event.track) else { return }
        events.append(event)
    }

    /// Adds `other`'s events, shifted by `offsetSeconds`, onto the same-named tracks.
    public mutating func append(_ other: ChromeTrace, offsetSeconds: Double) {
        for e in other.events where other.tracks.indices.contains(e.track) {
            let t = other.tracks[e.track]
            var shifted = e
            shifted.track = track(process: t.process, thread: t.thread)
            shifted.startSeconds += offsetSeconds
            add(shifted)
        }
    }

    /// A trace of `schedule`: task i on track `trackOfTask(i)`, named by the problem's task names.
    public static func from(_ schedule: Schedule, problem: ScheduleProblem, secondsPerUnit: Double = 1,
                            track trackOfTask: (Int) -> Track) -> ChromeTrace {
        var trace = ChromeTrace()
        for (index, task) in problem.tasks.enumerated() where schedule.start.indices.contains(index) {
            let t = trackOfTask(index)
            let track = trace.track(process: t.process, thread: t.thread)
            trace.add(Event(name: task.name, track: track, startSeconds: schedule.start[index] * secondsPerUnit,
                            durationSeconds: task.duration * secondsPerUnit,
                            category: problem.resources.indices.contains(task.resource) ? problem.resources[task.resource].name : ""))
        }
        return trace
    }

    /// Process ids (1-based, in order of first appearance) and thread ids per process.
    private var ids: [(pid: Int, tid: Int)] {
        var processes: [String] = [], threadCounts: [Int] = []
        return tracks.map { track in
            let pid: Int
            if let index = processes.firstIndex(of: track.process) { pid = index } else {
                processes.append(track.process); threadCounts.append(0); pid = processes.count - 1
            }
            threadCounts[pid] += 1
            return (pid + 1, threadCounts[pid])
        }
    }

    /// The trace as a JSON object `{"traceEvents": [...], "displayTimeUnit": "ns"}`: metadata
    /// first (process names, then thread names), then events sorted by start, track and name.
    public var json: String {
        let ids = self.ids
        var lines: [String] = []
        var namedProcesses = Set<Int>()
        for (index, track) in tracks.enumerated() where !namedProcesses.contains(ids[index].pid) {
            namedProcesses.insert(ids[index].pid)
            lines.append(#"{"name":"process_name","ph":"M","pid":\#(ids[index].pid),"tid":0,"args":{"name":\#(Self.quote(track.process))}}"#)
        }
        for (index, track) in tracks.enumerated() {
            lines.append(#"{"name":"thread_name","ph":"M","pid":\#(ids[index].pid),"tid":\#(ids[index].tid),"args":{"name":\#(Self.quote(track.thread))}}"#)
        }
        let ordered = events.enumerated().sorted { a, b in
            (a.element.startSeconds, a.element.track, a.offset) < (b.element.startSeconds, b.element.track, b.offset)
        }
        for (_, event) in ordered {
            let id = ids[event.track]
            lines.append(#"{"name":\#(Self.quote(event.name)),"cat":\#(Self.quote(event.category)),"ph":"X","ts":\#(Self.microseconds(event.startSeconds)),"dur":\#(Self.microseconds(event.durationSeconds)),"pid":\#(id.pid),"tid":\#(id.tid)}"#)
        }
        return "{\"traceEvents\":[\n" + lines.joined(separator: ",\n") + "\n],\"displayTimeUnit\":\"ns\"}\n"
    }

    /// Seconds as microseconds with at most 6 decimals (picoseconds), without exponent notation.
    static func microseconds(_ seconds: Double) -> String {
        let picoseconds = (seconds * 1e12).rounded()
        guard picoseconds.isFinite, picoseconds >= 0, picoseconds < 9e18 else { return "0" }
        let value = Int64(picoseconds)
        let whole = value / 1_000_000, fraction = value % 1_000_000
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension ChromeTrace {
    /// A trace of DRAM/PIM commands on one bus: one track per bank group (per rank), one for the
    /// bus-wide commands (REF, COMP, READRES, GWRITE, PIM_PRECHARGE); each command lasts one tCK.
    public static func from(commands: [DRAMCommandRecord], tCKSeconds: Double, device: String, bus: String) -> ChromeTrace {
        var trace = ChromeTrace()
        for command in commands {
            let thread = command.bankGroup < 0 ? "\(bus) all banks" : "\(bus) rank \(command.rank) bank group \(command.bankGroup)"
            let track = trace.track(process: device, thread: thread)
            let name = command.bank < 0 ? command.kind.description : "\(command.kind) bank \(command.bank)"
            trace.add(Event(name: name, track: track, startSeconds: command.cycle * tCKSeconds, durationSeconds: tCKSeconds, category: "dram"))
        }
        return trace
    }
}
