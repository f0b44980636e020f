import Foundation

@testable import ClinicalData

/// Where the tests' inputs are: committed fixtures (found through `#filePath`; the target
/// excludes the folder from its sources), the repository's own UCI copies, and the shared data
/// sets next to the repository (absent on a fresh CI clone: those tests are disabled then).
enum TestData {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = repository.appendingPathComponent("Tests/ClinicalDataTests/Fixtures", isDirectory: true)

    static func fixture(_ path: String) -> URL { fixtures.appendingPathComponent(path) }

    /// The UCI files shipped in the Datasets target (always in the repository).
    static let heartFiles = ["cleveland", "hungarian", "switzerland", "va"].map {
        repository.appendingPathComponent("Sources/Datasets/Resources/uci-heart-disease/processed.\($0).data")
    }

    /// `../shared/data` from the repository root.
    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
    static let sharedFHIR = shared.appendingPathComponent("synthea-fhir-r4")
    static let sharedSyntheaCSV = shared.appendingPathComponent("synthea-csv")
    static var hasSharedFHIR: Bool { FileManager.default.fileExists(atPath: sharedFHIR.appendingPathComponent("bundles").path) }
    static var hasSharedSyntheaCSV: Bool { FileManager.default.fileExists(atPath: sharedSyntheaCSV.appendingPathComponent("csv/patients.csv").path) }

    static func cardiovascular() throws -> StudySchema { try StudySchema.bundled("synthea-cardiovascular") }
    static func heart() throws -> StudySchema { try StudySchema.bundled("uci-heart-disease") }

    /// A fresh directory, removed after `body`.
    static func withScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-clinical-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    /// A study parsed from YAML text (for schema-error tests).
    static func study(_ yaml: String, file: String = "test.yaml") throws -> StudySchema {
        try StudySchema.parse(Data(yaml.utf8), file: file)
    }
}

/// `a` and `b` equal to within `relative` of their size (conversions with one rounding step).
func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-300)
}
