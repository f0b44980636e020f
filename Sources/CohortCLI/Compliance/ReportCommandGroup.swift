import ArgumentParser

/// `cohort report ...`: documents for people outside the study team.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for reviewers: the compliance report of a study at a site, the clinical validation report of its model.",
        subcommands: [ComplianceReportCommand.self, ValidationReportCommand.self]
    )
}
