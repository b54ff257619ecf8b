/// Why a simulation could not be done (exit status 1), as opposed to bad input (exit status 2).
public enum SimulationError: Error, CustomStringConvertible, Sendable {
    case unsupported(String)
    public var description: String {
        switch self {
        case let .unsupported(why): return "cannot simulate: \(why)"
        }
    }
}
