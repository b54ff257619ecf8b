import ArgumentParser

/// Output formats of the CLI.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, markdown, jsonl
}
