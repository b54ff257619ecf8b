import Foundation
import HardwareModel

/// Finds a hardware profile by shipped name or path (see `ProfileLibrary`). Profiles are loaded,
/// schema-checked and resolved once per process and name: a sweep of many points reads each once.
public enum ProfileResolver {
    nonisolated(unsafe) private static var cache: [String: HardwareProfile] = [:]
    private static let lock = NSLock()

    public static func load(_ nameOrPath: String) throws -> HardwareProfile {
        let key = fileKey(nameOrPath)
        // Loads are serialized (libxml2 and the schema are used by one thread at a time).
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[key] { return cached }
        let profile = try ProfileLibrary.load(nameOrPath)
        if cache.count > 256 { cache.removeAll() }
        cache[key] = profile
        return profile
    }
}

/// A cache key for a file name or path: the name, plus the file's size and modification time
/// when it is a file (an edited file is read again).
func fileKey(_ nameOrPath: String) -> String {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: nameOrPath) else { return nameOrPath }
    let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
    let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(nameOrPath)|\(size)|\(date)"
}
