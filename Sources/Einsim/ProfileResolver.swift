import HardwareModel

/// Finds a hardware profile by shipped name or path.
public enum ProfileResolver {
    public static func load(_ nameOrPath: String) throws -> HardwareProfile {
        DevProfiles.h100()
    }
}
