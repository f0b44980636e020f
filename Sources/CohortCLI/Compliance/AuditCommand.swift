import ArgumentParser

/// `cohort audit ...`: the tamper-evident audit trails every participant keeps.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit trails: keys, verification, export for auditors, benchmark.",
        discussion: """
            Every participant (coordinator, each site) appends study events to its own trail: JSON lines, \
            each hash-chained to the line before and signed with the participant's Ed25519 key. \
            Verification names the first entry that was altered, removed, inserted or moved.
            """,
        subcommands: [
            AuditKeygenCommand.self, AuditVerifyCommand.self, AuditExportCommand.self, AuditRecoverCommand.self,
            AuditBenchCommand.self
        ]
    )
}
