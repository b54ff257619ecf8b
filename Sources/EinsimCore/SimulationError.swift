/// Why a simulation could not be done (exit status 1), as opposed to bad input (exit status 2).
public enum SimulationError: Error, CustomStringConvertible, Sendable {
    case unsupported(String)
    public var description: String {
        switch self {
        case let .unsupported(why): return "cannot simulate: \(why)"
        }
    }
}

extension SimulationError {
    /// Throws the profiles that could not simulate, after the others' results were printed
    /// (nothing to throw when all ran).
    public static func combined(_ failures: [SimulationError]) throws {
        guard !failures.isEmpty else { return }
        if failures.count == 1 { throw failures[0] }
        throw SimulationError.unsupported(failures.map { failure -> String in
            if case let .unsupported(why) = failure { return why }
            return "\(failure)"
        }.joined(separator: "; "))
    }
}
