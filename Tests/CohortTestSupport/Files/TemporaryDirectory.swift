import Foundation

/// A fresh directory under the system's temporary folder for one test, removed by `remove()`
/// or, at the latest, when the value goes away.
///
/// ```swift
/// let directory = try TemporaryDirectory("resume")
/// let config = directory.path("coordinator.yaml")
/// ```
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ name: String = "test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cohort-\(name)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// A file or folder inside the directory.
    public func path(_ component: String) -> URL { url.appendingPathComponent(component) }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
