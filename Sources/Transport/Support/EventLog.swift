import Foundation

/// One-line structured log records (`time level component event key=value ...`) on standard
/// error: what an operator greps when a site is refused or an update rejected. Every
/// rejection names its reason here, so nothing is refused silently.
public struct EventLog: Sendable {
    public enum Level: String, Sendable {
        case info, warning, error
    }

    public let component: String
    private let sink: @Sendable (String) -> Void

    /// Writes to standard error.
    public init(component: String) {
        self.init(component: component) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Writes through `sink` (tests collect the lines).
    public init(component: String, sink: @escaping @Sendable (String) -> Void) {
        self.component = component
        self.sink = sink
    }

    /// Discards everything.
    public static let silent = EventLog(component: "silent") { _ in }

    public func info(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.info, event, fields) }
    public func warning(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.warning, event, fields) }
    public func error(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.error, event, fields) }

    public func write(_ level: Level, _ event: String, _ fields: KeyValuePairs<String, String>) {
        var line = "\(Self.timestamp()) \(level.rawValue) \(component) \(event)"
        for (key, value) in fields {
            line += " \(key)=\(Self.quoted(value))"
        }
        sink(line)
    }

    /// Values with spaces or quotes are quoted so each record stays one parseable line.
    static func quoted(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\n", with: " ")
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
