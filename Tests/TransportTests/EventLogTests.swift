import Foundation
import Testing

@testable import Transport

/// Whatever a site writes into a field (its agent version, a failure's reason, a study name),
/// the coordinator's log keeps one record per line and the fields the coordinator wrote.
@Suite("Event log escaping")
struct EventLogTests {
    /// Texts a hostile site would send to forge records or fields, or to work on the terminal
    /// of whoever reads the log.
    static let hostile = [
        "cohort-site/1.0\n2025-01-01T00:00:00Z info coordinator site-connected site=admin",
        "1.0\r2025-01-01T00:00:00Z warning coordinator site-expelled site=south",
        "\u{1B}[2J\u{1B}[31mred\u{1B}[0m",
        "x site=south",
        "x\" site=south",
        "x\\\" site=south",
        "x\\",
        "a=b",
        "",
        "tab\there",
        "\u{202E}desrever",
        "line\u{2028}separator\u{85}next",
        "zero\u{0}byte",
        "plain-1.0",
        "Zürich 病院"
    ]

    /// Splits a record as a reader does: on spaces outside quotes, undoing the escapes.
    static func tokens(of line: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if quoted && scalar == "\\" {
                switch scalars.next() {
                case "n": current.append("\n")
                case "r": current.append("\r")
                case "t": current.append("\t")
                case "u":
                    var hex = ""
                    _ = scalars.next()  // {
                    while let digit = scalars.next(), digit != "}" { hex.unicodeScalars.append(digit) }
                    current.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
                case let other?: current.append(other)
                case nil: break
                }
            } else if scalar == "\"" {
                quoted.toggle()
            } else if scalar == " " && !quoted {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        tokens.append(String(current))
        return tokens
    }

    static func record(_ value: String) -> String {
        let lines = LogLines()
        lines.log("coordinator").info("site-connected", ["site": "north", "agent": value, "peer": "127.0.0.1"])
        return lines.all[0]
    }

    @Test("CR, LF, ANSI escapes, quotes, backslashes and key=value forgeries stay inside their field")
    func hostileValues() {
        for value in Self.hostile {
            let line = Self.record(value)
            let printable = line.unicodeScalars.allSatisfy { scalar in
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator: false
                default: true
                }
            }
            #expect(printable, "a control or line-breaking character reached the log: \(line.debugDescription)")
            let tokens = Self.tokens(of: line)
            #expect(tokens.count == 7, "\(value.debugDescription) made \(tokens.count) tokens: \(line)")
            #expect(Array(tokens.dropFirst().prefix(3)) == ["info", "coordinator", "site-connected"])
            let fields = tokens.dropFirst(4).map { token in
                let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return "\(parts[0])|\(parts.count > 1 ? String(parts[1]) : "?")"
            }
            #expect(fields == ["site|north", "agent|\(value)", "peer|127.0.0.1"], "\(value.debugDescription): \(line)")
        }
    }

    @Test("plain values stay bare; anything else is quoted")
    func bareAndQuoted() {
        #expect(EventLog.quoted("north") == "north")
        #expect(EventLog.quoted("127.0.0.1:7443") == "127.0.0.1:7443")
        #expect(EventLog.quoted("two words") == "\"two words\"")
        #expect(EventLog.quoted("") == "\"\"")
        #expect(EventLog.quoted("a\nb") == "\"a\\nb\"")
        #expect(EventLog.quoted("\u{1B}[31m") == "\"\\u{1B}[31m\"")
        #expect(EventLog.escaped("red\u{1B}[0m\r\n") == "red\\u{1B}[0m\\r\\n")
    }
}
