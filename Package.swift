// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "einsim",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Einsim", targets: ["Einsim"]),
        .executable(name: "einsim", targets: ["einsim"]),
        .executable(name: "einsim-bench", targets: ["einsim-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target Einsim` (the DocC catalog in Sources/Einsim/Einsim.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // Shared vocabulary (precisions, cost classes, source locations, diagnostics).
        .target(name: "EinsimCore"),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "EinsumIR", dependencies: ["EinsimCore"]),
        .target(name: "HardwareModel", dependencies: ["EinsimCore", "CLibXML2"]),
        .target(name: "Workloads", dependencies: ["EinsimCore", "EinsumIR"]),
        .target(name: "Mapper", dependencies: ["EinsimCore", "EinsumIR", "HardwareModel", "Workloads"]),
        .target(name: "Simulator", dependencies: ["EinsimCore", "EinsumIR", "HardwareModel", "Workloads", "Mapper"]),
        .target(name: "Reports", dependencies: ["EinsimCore", "Workloads", "Simulator"]),
        .target(
            name: "Einsim",
            dependencies: ["EinsimCore", "EinsumIR", "HardwareModel", "Workloads", "Mapper", "Simulator", "Reports"]
        ),
        // The command-line interface as a library, so tests can drive it in-process.
        .target(
            name: "EinsimCLI",
            dependencies: ["Einsim", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "einsim", dependencies: ["EinsimCLI"]),
        .executableTarget(name: "einsim-bench", dependencies: ["Einsim"]),
        // libFuzzer harnesses (Scripts/fuzz.sh builds them with -sanitize=fuzzer,address -DFUZZING).
        .executableTarget(name: "einsim-fuzz", dependencies: ["Einsim", "EinsimCLI"]),
        .testTarget(name: "EinsumIRTests", dependencies: ["EinsumIR"]),
        .testTarget(name: "HardwareModelTests", dependencies: ["HardwareModel"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Einsim"]),
        .testTarget(name: "EinsimTests", dependencies: ["Einsim", "EinsimCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
