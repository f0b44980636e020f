/// Entries in the formats auditors load: JSON lines (each line exactly as stored, so every
/// exported entry's hash and signature can still be checked one by one) and CSV (one row per
/// entry, event fields flattened to `key=value` pairs).
public enum AuditExport {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl
        case csv
    }

    public static let csvHeader = ["seq", "time", "participant", "event", "study", "round", "site", "details", "hash"]

    public static func render(_ entries: [AuditEntry], as format: Format) -> String {
        var output = ""
        switch format {
        case .jsonl:
            for entry in entries {
                output.append(entry.line)
                output.append("\n")
            }
        case .csv:
            output.append(csvHeader.joined(separator: ","))
            output.append("\r\n")
            for entry in entries {
                let layout = entry.event.layout
                let row = [
                    String(entry.sequence), entry.timestamp, entry.participant, layout.kind.rawValue, layout.study ?? "",
                    layout.round.map(String.init) ?? "", layout.site ?? "", AuditValue.object(layout.fields).text, entry.hash
                ]
                output.append(row.map(csvCell).joined(separator: ","))
                output.append("\r\n")
            }
        }
        return output
    }

    /// RFC 4180 quoting; a leading formula character is neutralized so a spreadsheet does not
    /// execute a site name or a reason as a formula.
    static func csvCell(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
