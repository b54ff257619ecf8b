#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where einsim finds its shipped data — the hardware profiles (with their schemas) and the
/// attention cascades — from any working directory, in the source tree, installed, or copied.
///
/// The folders searched, in order (the first that holds the kind's marker file wins):
/// 1. the environment variable: `$EINSIM_PROFILES` / `$EINSIM_CASCADES`;
/// 2. installed: `<bin>/../share/einsim/profiles` / `<bin>/../share/einsim/cascades`, where
///    `<bin>` is the folder of the running executable, symbolic links resolved
///    (`Scripts/install.sh PREFIX` puts the binary in `PREFIX/bin` and the data there);
/// 3. copied beside the executable: `<bin>/einsim-data/profiles` / `<bin>/einsim-data/cascades`;
/// 4. the source tree einsim was built from: `HardwareProfiles/` / `Examples/cascades/`;
/// 5. `HardwareProfiles/` / `Examples/cascades/` in `<bin>` or one of its ancestors (a build
///    folder inside a checkout that moved).
public struct ResourceSearchPath: Sendable, Hashable {
    /// What is looked for.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case profiles, cascades

        /// The environment variable naming the folder.
        public var environmentVariable: String { self == .profiles ? "EINSIM_PROFILES" : "EINSIM_CASCADES" }
        /// The file a folder must hold to count.
        public var marker: String { self == .profiles ? "einsim-hardware.xsd" : "attention-1pass.einsum" }
        /// The folder's name in an installation (`share/einsim/NAME`, `einsim-data/NAME`).
        public var installedName: String { rawValue }
        /// The folder in the source tree, relative to its root.
        public var sourceFolder: String { self == .profiles ? "HardwareProfiles" : "Examples/cascades" }
        /// What the folder holds, for messages.
        public var phrase: String { self == .profiles ? "hardware profiles (einsim-hardware.xsd)" : "cascades (attention-1pass.einsum)" }
    }

    public var kind: Kind
    /// The folders, in search order.
    public var candidates: [String]

    /// The search path for `kind` given an environment, the executable's path and the source
    /// tree's root (injectable for tests; ``standard(_:)`` uses the process's own).
    public init(_ kind: Kind, environment: [String: String], executablePath: String?, sourceRoot: String?) {
        self.kind = kind
        var folders: [String] = []
        if let value = environment[kind.environmentVariable], !value.isEmpty { folders.append(value) }
        let bin = executablePath.map(Self.parent)
        if let bin {
            folders.append(Self.join(Self.parent(bin), "share/einsim/" + kind.installedName))
            folders.append(Self.join(bin, "einsim-data/" + kind.installedName))
        }
        if let sourceRoot { folders.append(Self.join(sourceRoot, kind.sourceFolder)) }
        if var directory = bin {
            for _ in 0..<8 {
                folders.append(Self.join(directory, kind.sourceFolder))
                let up = Self.parent(directory)
                if up == directory { break }
                directory = up
            }
        }
        var seen = Set<String>()
        candidates = folders.filter { seen.insert($0).inserted }
    }

    /// The first candidate holding the marker file, by `exists` (a file test).
    public func first(where exists: (String) -> Bool) -> String? {
        candidates.first { exists($0 + "/" + kind.marker) }
    }

    /// The message when no candidate holds the data: every place looked, and the variable.
    public var notFoundMessage: String {
        "einsim's \(kind.phrase) were not found; looked in: " + candidates.joined(separator: ", ")
    }

    /// The suggestion with ``notFoundMessage``.
    public var notFoundSuggestion: String {
        "set \(kind.environmentVariable) to the folder (the repository's \(kind.sourceFolder)/), or install with Scripts/install.sh PREFIX"
    }

    /// The search path of this process: its environment, its executable, the source tree it was
    /// built from.
    public static func standard(_ kind: Kind, environment: [String: String]) -> ResourceSearchPath {
        ResourceSearchPath(kind, environment: environment, executablePath: executablePath, sourceRoot: sourceRoot)
    }

    /// The source tree's root, from this file's path (…/Sources/EinsimCore/ResourceSearchPath.swift).
    public static let sourceRoot: String? = {
        var path = #filePath
        for _ in 0..<3 { path = parent(path) }
        return path.hasPrefix("/") ? path : nil
    }()

    /// The running executable's path, symbolic links resolved (`/proc/self/exe` on Linux), else
    /// the first argument when it names a path.
    public static let executablePath: String? = {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        if n > 0 {
            let bytes = buffer[0..<n].map { UInt8(bitPattern: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        #endif
        guard let first = CommandLine.arguments.first, first.contains("/") else { return nil }
        return first
    }()

    /// `directory/name` (`/` + `a` → `/a`).
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// `path` without its last component (`/a/b` → `/a`, `/a` → `/`, `a` → `.`).
    static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        let head = p[..<slash]
        return head.isEmpty ? "/" : String(head)
    }
}
