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
        var line = "\(Self.timestamp()) \(level.rawValue) \(Self.quoted(component)) \(Self.quoted(event))"
        for (key, value) in fields {
            line += " \(Self.quoted(key))=\(Self.quoted(value))"
        }
        sink(line)
    }

    /// Every part of a record goes through here, so nothing a site sends (an agent version, a
    /// failure's reason, a study name) can forge a line or a field: a value of printable ASCII
    /// other than space, `"`, `=` and `\` stands bare; any other is quoted, with `\` and `"`
    /// escaped and every control, format or line-separating character (CR, LF, ANSI's ESC,
    /// bidirectional overrides, U+2028) written as `\n`, `\r`, `\t` or `\u{XX}`. A reader
    /// splits a record on the spaces outside quotes and undoes the escapes.
    static func quoted(_ value: String) -> String {
        let bare =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                (0x21...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "=" && scalar != "\\"
            }
        return bare ? value : "\"" + escaped(value) + "\""
    }

    /// `text` with `\` and `"` escaped and no character that could end a line, move the
    /// cursor or recolour a terminal: for site-supplied text printed outside a record too
    /// (the progress printer's warnings).
    public static func escaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                    escaped += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                default:
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
