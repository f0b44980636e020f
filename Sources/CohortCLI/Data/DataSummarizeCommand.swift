import ArgumentParser
import ClinicalData
import Foundation

/// `cohort data summarize`: the site's contribution to federated statistics.
struct DataSummarizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Write the site's additive feature summary (counts, shifted sums, fixed-bin histograms): no rows.",
        discussion: """
            Send the file to the coordinator, who adds all sites' summaries with `cohort data combine`. \
            Counts inside are exact (sums must add up): the file is for the coordinator, not for publication.
            """)

    @Option(help: "Study: a .yaml path or a shipped study name.")
    var study: String

    @OptionGroup var source: SourceOptions

    @Option(help: "This site's name (it must differ from every other site's).")
    var site: String?

    @Option(help: "Where to write the summary JSON.")
    var output: String

    func run() async throws {
        let study = try ClinicalCLI.study(self.study)
        let cohort = try ClinicalCLI.harmonize(study, try source.source())
        try ClinicalCLI.run { try cohort.requireRows() }
        let summary = SiteSummary(cohort: cohort, site: site ?? source.defaultSiteName)
        try JSONOutput.write(summary, to: output)
        print("wrote \(output): \(summary.rows) patients, \(summary.features.count) features, study \(study.shortHash)")
    }
}
