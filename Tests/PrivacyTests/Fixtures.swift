import Foundation

/// Test inputs next to this source: the target declares no resources (`exclude: ["Fixtures"]`),
/// so they are found through `#filePath`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures", isDirectory: true)

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

/// A fresh empty directory, removed when the closure returns.
func withScratchDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cohort-privacy-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// A path for a new ledger in a fresh scratch directory.
func withLedgerPath<T>(_ body: (URL) async throws -> T) async throws -> T {
    try await withScratchDirectory { try await body($0.appendingPathComponent("ledger.jsonl")) }
}

/// |ours − reference| / |reference|, with infinities and zeros compared exactly.
func relativeError(_ ours: Double, _ reference: Double) -> Double {
    if ours.isInfinite || reference.isInfinite { return ours == reference ? 0 : .infinity }
    if reference == 0 { return abs(ours) <= 1e-12 ? 0 : .infinity }
    return abs(ours - reference) / abs(reference)
}
