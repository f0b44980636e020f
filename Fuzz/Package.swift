// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets, one per parser of untrusted input; each feeds its input through the entry
// point production code uses. Built and run by scripts/fuzz.sh (it passes the sanitizer flags:
// these targets link only with -sanitize=fuzzer). Seeds: Corpus/<Target>/.

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "Cohort") }
    )
}

let package = Package(
    name: "CohortFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Cohort", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        fuzzTarget("FuzzFHIR", ["ClinicalData"]),
        fuzzTarget("FuzzCSV", ["ClinicalData"]),
        fuzzTarget("FuzzYAML", ["ClinicalData", "Compliance", "Studies", "Privacy", "Transport"]),
        fuzzTarget("FuzzProto", ["Transport", "Federation", "Learning"]),
        fuzzTarget("FuzzLane", ["Transport", "Federation"]),
        fuzzTarget("FuzzSecAgg", ["Privacy"]),
        fuzzTarget("FuzzAudit", ["Compliance"]),
        fuzzTarget("FuzzNumPy", ["Datasets"]),
        fuzzTarget("FuzzPEM", ["Transport", "Compliance"]),
    ]
)
