// swift-tools-version:6.1
import PackageDescription

// Cohort: federated learning for healthcare.
// Module map (see docs/ARCHITECTURE.md): CBLAS -> Learning -> Federation -> (Datasets, Privacy,
// ClinicalData, Compliance) -> Studies -> (Transport, Persistence) -> CohortCLI -> cohort.
let package = Package(
    name: "Cohort",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cohort", targets: ["cohort"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Federation", targets: ["Federation"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        // For the fuzz targets (Fuzz/Package.swift), which reach each parser from outside.
        .library(name: "ClinicalData", targets: ["ClinicalData"]),
        .library(name: "Compliance", targets: ["Compliance"]),
        .library(name: "Studies", targets: ["Studies"]),
        .library(name: "Privacy", targets: ["Privacy"]),
        .library(name: "Transport", targets: ["Transport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // OpenBLAS on Linux (Debian libopenblas-dev); Apple platforms use Accelerate instead.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "pkg-config"])]
        ),
        .target(
            name: "Learning",
            dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux]))]
        ),
        .target(name: "Federation", dependencies: ["Learning"]),
        .target(
            name: "Datasets",
            dependencies: ["Learning", "Federation", "ZIPFoundation"],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Privacy",
            dependencies: [
                "Learning", "Federation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Compliance",
            dependencies: [
                "Learning", "Federation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ClinicalData",
            dependencies: ["Learning", "Federation", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources")]
        ),
        // The one study definition both runtimes read: `cohort simulate` and the coordinator.
        .target(
            name: "Studies",
            dependencies: [
                "Learning", "Federation", "Datasets", "Privacy", "Compliance", "ClinicalData", "Validation",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Clinical validation: metrics from the sites' score histograms, the report and its model card.
        .target(name: "Validation", dependencies: ["Federation"]),
        // The deployment: gRPC service and client over mutual TLS, certificate provisioning.
        .target(
            name: "Transport",
            dependencies: [
                "Learning", "Federation", "Compliance", "Studies",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                // Already built for gRPC's transport; used directly for the mTLS loopback yardstick.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // TLS handshake events, for the gate on connections not yet authenticated.
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Protos"]
        ),
        // Coordinator state behind a store protocol; SQLite (GRDB) is the embedded default.
        .target(
            name: "Persistence",
            dependencies: ["Federation", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "CohortCLI",
            dependencies: [
                "Learning", "Federation", "Datasets", "Privacy", "ClinicalData", "Compliance", "Studies", "Transport", "Persistence",
                "Validation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cohort", dependencies: ["CohortCLI"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FederationTests", dependencies: ["Federation", "Datasets"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], exclude: ["Fixtures"]),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "Federation", "Learning"], exclude: ["Fixtures"]),
        .testTarget(name: "ClinicalDataTests", dependencies: ["ClinicalData"], exclude: ["Fixtures"]),
        .testTarget(name: "ComplianceTests", dependencies: ["Compliance", "Federation", "Learning"], exclude: ["Fixtures"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "Federation", "Datasets", "Learning"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "Studies"], exclude: ["Fixtures"]),
        // GRDB: the tests corrupt a stored checkpoint as a failing disk would.
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "CohortCLITests", dependencies: ["CohortCLI", "cohort"]),
    ]
)
