// swift-tools-version: 6.0
// A design-space sweep written against einsim's library, as a package of its own that depends on
// einsim by path (README "Library use"):
//
//   swift run -c release --package-path Examples/SweepLibrary --scratch-path .build-sweeplibrary
import PackageDescription

let package = Package(
    name: "SweepLibrary",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "einsim", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "SweepLibrary", dependencies: [.product(name: "Einsim", package: "einsim")]),
    ],
    swiftLanguageModes: [.v6]
)
