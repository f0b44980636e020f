import Foundation

/// Test inputs: fixture files next to this source (the test target declares no resources, so
/// they are found through `#filePath`) and scratch directories for damaged copies.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures", isDirectory: true)

    static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    static func decode<T: Decodable>(_ type: T.Type, from relativePath: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(relativePath)))
    }

    /// The bundled UCI files, as shipped in the Datasets target.
    static let heartSources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Datasets/Resources/uci-heart-disease", isDirectory: true)

    static let breastMNIST = heartSources.deletingLastPathComponent().appendingPathComponent("medmnist/breastmnist.npz")

    static let pneumoniaMNIST = URL(fileURLWithPath: "/work/shared/data/medmnist-pneumoniamnist/pneumoniamnist.npz")
}

/// A fresh empty directory, removed when the closure returns.
func withScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cohort-datasets-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Copies the four UCI files into `directory`, letting `edit` change the named site's text.
func writeHeartFiles(to directory: URL, editing site: String? = nil, _ edit: (String) -> String = { $0 }) throws {
    for name in ["cleveland", "hungarian", "switzerland", "va"] {
        let file = "processed.\(name).data"
        var text = try String(contentsOf: Fixtures.heartSources.appendingPathComponent(file), encoding: .utf8)
        if name == site { text = edit(text) }
        try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }
}

/// Replaces line `number` (1-based) of `text`.
func replacingLine(_ number: Int, of text: String, with line: String) -> String {
    var lines = text.components(separatedBy: "\n")
    lines[number - 1] = line
    return lines.joined(separator: "\n")
}
