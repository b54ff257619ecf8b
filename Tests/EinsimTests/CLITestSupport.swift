import EinsimCLI

/// Runs the CLI in-process and captures its output.
enum CLI {
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let r = EinsimCommand.capture(arguments: arguments)
        return (r.status, r.output)
    }
}
