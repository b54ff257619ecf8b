import HardwareModel

/// Finds a hardware profile by shipped name or path (see `ProfileLibrary`).
public enum ProfileResolver {
    public static func load(_ nameOrPath: String) throws -> HardwareProfile {
        try ProfileLibrary.load(nameOrPath)
    }
}
