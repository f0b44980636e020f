import ArgumentParser
import Compliance
import Foundation

/// `cohort audit export`: the entries an auditor asks for, as JSON lines or CSV.
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trail's entries as JSON lines or CSV, filtered by time, event type, site and study.",
        discussion: """
            The trail is verified first; a damaged trail is refused unless --allow-damaged, which exports \
            only the entries before the damage. JSON lines are the stored lines, unchanged, so each \
            exported entry's hash and signature can still be checked.
            """)

    @OptionGroup var options: AuditTrailOptions

    @Option(help: "jsonl or csv.")
    var format: String = "jsonl"

    @Option(help: "Entries at or after this time (UTC): 2025-06-01 or 2025-06-01T09:30:00Z.")
    var from: String?

    @Option(help: "Entries before this time (UTC).")
    var to: String?

    @Option(name: .customLong("event"), help: "Only this event type (repeatable), e.g. update_sent, update_refused.")
    var events: [String] = []

    @Option(name: .customLong("site"), help: "Only entries about or written by this site (repeatable).")
    var sites: [String] = []

    @Option(help: "Only this study's entries.")
    var study: String?

    @Option(help: "Write here (atomically) instead of standard output.")
    var out: String?

    @Flag(help: "Export the verified part of a damaged trail instead of refusing.")
    var allowDamaged = false

    func run() throws {
        guard let format = AuditExport.Format(rawValue: format.lowercased()) else { throw CohortError("--format must be jsonl or csv, got '\(format)'") }
        var filter = AuditFilter(sites: Set(sites), study: study)
        if let from {
            guard let date = AuditTimestamp.date(from) else { throw CohortError("--from: '\(from)' is not a date or time such as 2025-06-01T09:30:00Z") }
            filter.from = date
        }
        if let to {
            guard let date = AuditTimestamp.date(to) else { throw CohortError("--to: '\(to)' is not a date or time such as 2025-06-01T09:30:00Z") }
            filter.to = date
        }
        for name in events {
            guard let kind = AuditEventKind(rawValue: name) else {
                throw CohortError("--event: unknown type '\(name)'; use one of \(AuditEventKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kinds.insert(kind)
        }
        let log = try options.read()
        if let damage = log.verification.damage {
            guard allowDamaged else {
                throw CohortError(
                    "\(options.trail) is damaged at entry \(damage.entry) (\(damage.kind.rawValue)): \(damage.reason); run cohort audit verify, or pass --allow-damaged to export the \(log.verification.verifiedEntries) entries before it"
                )
            }
            FileHandle.standardError.write(
                Data("cohort: warning: exporting the \(log.verification.verifiedEntries) entries before the damage at entry \(damage.entry)\n".utf8))
        }
        let text = AuditExport.render(log.entries(matching: filter), as: format)
        if let out {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw CohortError("cannot write \(out): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
