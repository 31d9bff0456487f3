// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "seatsweep",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "seatsweep", targets: ["seatsweep"]),
        .library(name: "SeatSweepKit", targets: ["SeatSweepKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .target(name: "CPrefetch"),
        .target(
            name: "SeatSweepKit",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                "CLibXML2",
                "CISAL",
                "CPrefetch",
            ]
        ),
        .target(
            name: "SeatSweepRemote",
            dependencies: ["SeatSweepKit"]
        ),
        .target(
            name: "AtlassianSimulator",
            dependencies: []
        ),
        .executableTarget(
            name: "seatsweep",
            dependencies: [
                "SeatSweepKit",
                "SeatSweepRemote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "seatsweep-bench",
            dependencies: ["SeatSweepKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "SeatSweepKitTests",
            dependencies: [
                "SeatSweepKit", "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Fixtures", "Golden", "Schemas"]
        ),
        .testTarget(
            name: "SeatSweepRemoteTests",
            dependencies: ["SeatSweepRemote", "SeatSweepKit", "AtlassianSimulator"]
        ),
        .testTarget(
            name: "seatsweepTests",
            dependencies: [
                "SeatSweepKit", "AtlassianSimulator", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Readers"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
