// swift-tools-version:6.1
import PackageDescription

// Import direction (see docs/architecture.md; ImportRuleTests checks it): QuayCore and
// QuayCodecs are pure; QuayProtocol adds the wire types; QuayStore and QuayDaemon do I/O;
// `quay` sees QuayProtocol, QuayClient and the domain views of QuayCore.
let package = Package(
    name: "Quay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quayd", targets: ["quayd"]),
        .executable(name: "quay", targets: ["quay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The staff web console (SPEC §17).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .target(name: "QuayCore"),
        .target(name: "QuayCodecs", dependencies: ["CZlib"]),
        .target(name: "QuayProtocol", dependencies: ["QuayCore"]),
        .target(name: "CQuayShims"),
        // The C libraries the labels use, from Debian packages (scripts/bootstrap installs them).
        .systemLibrary(name: "CZint", path: "Sources/CZint", providers: [.apt(["libzint-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Printers on USB, claimed from usblp for a job (SPEC §7.5).
        .systemLibrary(name: "CUSB", path: "Sources/CUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // Scanner hot-plug: the udev monitor says when a device node comes or goes.
        .systemLibrary(name: "CUdev", path: "Sources/CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // Password and PIN hashes (Argon2id) for SIP2 accounts and patrons' PINs.
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Registers and reports as XLSX (SPEC §10), written in constant-memory mode.
        .systemLibrary(name: "CXlsxWriter", path: "Sources/CXlsxWriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .target(name: "QuayReports", dependencies: ["QuayCore", "QuayLabels", "CXlsxWriter"]),
        .target(
            name: "QuayLabels",
            dependencies: [
                "QuayCore", "CZint", "CFreeType", "CZlib",
            ]
        ),
        .target(name: "QuayClient", dependencies: ["QuayProtocol", "QuayCore", "QuayCodecs", "CQuayShims"]),
        .target(
            name: "QuayStore",
            dependencies: [
                "QuayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "QuayDevices",
            dependencies: [
                "QuayCodecs", "CQuayShims", "CUSB", "CUdev", .product(name: "Logging", package: "swift-log"),
                // Locks ThreadSanitizer can see (pthread mutexes); it cannot see Synchronization's Mutex on Linux.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The web console: pages made from the replies of ordinary ops (it sees the wire, never the store).
        .target(
            name: "QuayWeb",
            dependencies: [
                "QuayCore", "QuayProtocol", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "QuayDaemon",
            dependencies: [
                "QuayCore", "QuayCodecs", "QuayProtocol", "QuayStore", "QuayLabels", "QuayReports", "QuayDevices", "QuayWeb", "CQuayShims", "CSodium",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "quayd",
            dependencies: [
                "QuayDaemon", "QuayProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "quay",
            dependencies: [
                "QuayProtocol", "QuayClient", "QuayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "quay-bench",
            dependencies: [
                "QuayCore", "QuayCodecs", "QuayProtocol", "QuayClient", "QuayStore", "QuayLabels", "CQuayShims", "CZlib", "CXlsxWriter",
                // The browser the console's figures are measured in (WebDriver).
                "QuayTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The fuzz targets (make fuzz); its ordinary build replays files through them.
        .executableTarget(
            name: "quay-fuzz",
            dependencies: [
                "QuayCore", "QuayCodecs", "QuayProtocol", "QuayLabels", "QuayStore", "QuayDaemon",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "QuayCoreTests", dependencies: ["QuayCore"]),
        .testTarget(name: "QuayCodecsTests", dependencies: ["QuayCodecs", "QuayTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "QuayProtocolTests", dependencies: ["QuayProtocol"]),
        .testTarget(
            name: "QuayStoreTests",
            dependencies: [
                "QuayStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        // Spawning helper programs (zbarimg, quayd, quay) for the tests that need them.
        // It must not depend on QuayCodecs: its printer-stream decoders are the independent check.
        .target(
            name: "QuayTestSupport", dependencies: ["CZlib", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Tests/QuayTestSupport"),
        .testTarget(name: "QuayLabelsTests", dependencies: ["QuayLabels", "QuayTestSupport"]),
        .testTarget(name: "QuayWebTests", dependencies: ["QuayWeb"]),
        .testTarget(name: "QuayReportsTests", dependencies: ["QuayReports", "QuayCore", "QuayTestSupport"]),
        .testTarget(
            name: "QuayDevicesTests",
            dependencies: [
                "QuayDevices", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .testTarget(
            name: "QuayDaemonTests",
            dependencies: [
                "QuayDaemon", "QuayDevices", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["QuayProtocol", "QuayClient", "QuayCodecs", "QuayTestSupport"], exclude: ["Help", "Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
