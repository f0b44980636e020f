// swift-tools-version:6.1
import PackageDescription

// Cohort: federated learning for healthcare.
// Module map (see docs/ARCHITECTURE.md): CBLAS -> Learning -> Federation -> (Datasets, Privacy,
// ClinicalData, Compliance) -> CohortCLI -> cohort.
let package = Package(
    name: "Cohort",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cohort", targets: ["cohort"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Federation", targets: ["Federation"]),
        .library(name: "Datasets", targets: ["Datasets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
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
                "Federation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ClinicalData",
            dependencies: ["Learning", "Federation", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "CohortCLI",
            dependencies: [
                "Learning", "Federation", "Datasets", "Privacy", "ClinicalData", "Compliance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cohort", dependencies: ["CohortCLI"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FederationTests", dependencies: ["Federation", "Datasets"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], exclude: ["Fixtures"]),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy"], exclude: ["Fixtures"]),
        .testTarget(name: "ClinicalDataTests", dependencies: ["ClinicalData"], exclude: ["Fixtures"]),
        .testTarget(name: "ComplianceTests", dependencies: ["Compliance"], exclude: ["Fixtures"]),
        .testTarget(name: "CohortCLITests", dependencies: ["CohortCLI", "cohort"]),
    ]
)
