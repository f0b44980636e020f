import ArgumentParser
import ClinicalData
import Foundation

/// `cohort data check`: the data-quality report of a site's export against a study.
struct DataCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report rows read, patients kept and excluded, missingness, units and label prevalence.",
        discussion: """
            --output writes the exact report (it stays at the site: it lists skipped records by file and \
            resource). --html and --shared write the versions that may leave the site: counts of 1 to 10 \
            are shown as <11, and counts that would give one away are withheld, audited over all the \
            report's tables at once (docs/disclosure-control.md).
            """)

    @Option(help: "Study: a .yaml path or a shipped study name (synthea-cardiovascular, uci-heart-disease).")
    var study: String

    @OptionGroup var source: SourceOptions

    @Option(help: "Write the exact report as JSON (patients.read, patients.kept, errors, ...).")
    var output: String?

    @Option(help: "Write the publishable report as a self-contained HTML page.")
    var html: String?

    @Option(help: "Write the publishable report as JSON (cohort-quality-report-shared/2).")
    var shared: String?

    @Option(help: "Site name shown in the reports (default: the export's folder or file name).")
    var site: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() async throws {
        let study = try ClinicalCLI.study(self.study)
        let cohort = try ClinicalCLI.harmonize(study, try source.source())
        let site = self.site ?? source.defaultSiteName
        if !quiet { CohortSummaryPrinter.print(cohort.report, site: site) }
        if let output {
            try JSONOutput.write(cohort.report, to: output)
            if !quiet { print("wrote \(output)") }
        }
        let sharedReport = PublishedQualityReport(cohort.report)
        if let shared {
            try JSONOutput.write(sharedReport, to: shared)
            if !quiet { print("wrote \(shared)") }
        }
        if let html {
            try ClinicalCLI.writeText(HTMLQualityReport(sharedReport, site: site).render(), to: html)
            if !quiet { print("wrote \(html)") }
        }
        if cohort.rows.isEmpty {
            try ClinicalCLI.run { try cohort.requireRows() }
        }
    }
}
