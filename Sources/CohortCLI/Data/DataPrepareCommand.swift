import ArgumentParser
import ClinicalData
import Foundation

/// `cohort data prepare`: the training-ready dataset of one site, or of several simulated
/// sites cut from one export.
struct DataPrepareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Write the training-ready dataset (cohort-prepared/1 CSV with the study's hash).",
        discussion: """
            One site: writes OUTPUT/dataset.csv, OUTPUT/report.json (exact, stays at the site) and \
            OUTPUT/report.html (publishable: small counts hidden, audited). Missing values are filled with the site's own \
            medians, or with the federation's when --statistics names the file `cohort data combine` wrote.

            Simulated federation: --split-by city|county|zip3|file [--sites N] cuts the export into sites \
            (each place stays whole) and writes OUTPUT/<site>/dataset.csv for each, with imputation and \
            standardization statistics combined across the sites from their summaries alone, plus \
            OUTPUT/federation.json. Pass the site folders to `cohort simulate --study S --sites ...`.
            """)

    @Option(help: "Study: a .yaml path or a shipped study name.")
    var study: String

    @OptionGroup var source: SourceOptions

    @Option(help: "Output folder.")
    var output: String

    @Option(name: .customLong("split-by"), help: "Cut the export into sites by: city, county, zip3, file.")
    var splitBy: String?

    @Option(help: "Number of sites to form with --split-by (default: one per place).")
    var sites: Int?

    @Option(help: "Federated statistics (from `cohort data combine`) to impute and standardize with.")
    var statistics: String?

    @Option(help: "Site name for a single-site dataset (default: the export's folder or file name).")
    var site: String?

    @Flag(help: "Print only the written paths.")
    var quiet = false

    func run() async throws {
        let study = try ClinicalCLI.study(self.study)
        let cohort = try ClinicalCLI.harmonize(study, try source.source())
        try ClinicalCLI.run { try cohort.requireRows() }
        try ClinicalCLI.createDirectory(output)

        guard let splitBy else {
            if sites != nil { throw CohortError("--sites needs --split-by city|county|zip3|file") }
            let name = site ?? source.defaultSiteName
            let federated = try ClinicalCLI.run { () -> FederatedStatistics in
                if let statistics {
                    return try FederatedStatistics(study: study, summaries: [SiteSummary.load(from: URL(fileURLWithPath: statistics))])
                }
                return try FederatedStatistics(local: cohort, site: name)
            }
            if !quiet { CohortSummaryPrinter.print(cohort.report, site: name) }
            try write(cohort, site: name, statistics: federated, into: output)
            return
        }

        guard let grouping = SiteGrouping(rawValue: splitBy) else {
            throw CohortError("unknown --split-by '\(splitBy)': use one of \(SiteGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if statistics != nil { throw CohortError("--statistics applies to a single site; with --split-by the sites' statistics are combined here") }
        let siteCohorts = try ClinicalCLI.run { try SiteSplitter(grouping: grouping, siteCount: sites).split(cohort) }
        // Each simulated site computes its own summary; only the summaries are combined.
        let summaries = siteCohorts.map { SiteSummary(cohort: $0.cohort, site: $0.name) }
        let federated = try ClinicalCLI.run { try FederatedStatistics(study: study, summaries: summaries) }
        if !quiet { CohortSummaryPrinter.print(cohort.report) }
        // The coordinator's view: features a site mostly lacks, before imputation fills them in.
        for warning in summaries.flatMap({ MissingShareWarning.warnings(for: $0, study: study) }) { print("warning: \(warning)") }
        for feature in federated.uninformed {
            print(
                "warning: \(feature): no site has 11 or more values, so none sent their distribution; filled with the middle of its plausible range and not scaled"
            )
        }
        for part in siteCohorts {
            try write(part.cohort, site: part.name, statistics: federated, into: (output as NSString).appendingPathComponent(part.name))
            if !quiet {
                let positives = part.cohort.rows.filter { $0.label == 1 }.count
                print(
                    "  \(part.name): \(part.cohort.rows.count) patients (\(positives) positive) from \(part.places.count) \(grouping.rawValue) value(s): \(part.places.prefix(4).joined(separator: ", "))\(part.places.count > 4 ? ", ..." : "")"
                )
            }
        }
        let combined = (output as NSString).appendingPathComponent("federation.json")
        try JSONOutput.write(federated.summary, to: combined)
        if !quiet {
            print(
                "wrote \(siteCohorts.count) site folders and \(combined); train with: cohort simulate --study \(self.study) --sites "
                    + siteCohorts.map { (output as NSString).appendingPathComponent($0.name) }.joined(separator: ","))
        }
    }

    private func write(_ cohort: HarmonizedCohort, site: String, statistics: FederatedStatistics, into folder: String) throws {
        try ClinicalCLI.createDirectory(folder)
        let dataset = PreparedDataset(cohort: cohort, site: site, statistics: statistics)
        let datasetPath = (folder as NSString).appendingPathComponent("dataset.csv")
        try ClinicalCLI.run { try dataset.write(to: URL(fileURLWithPath: datasetPath)) }
        let report = cohort.report
        try JSONOutput.write(report, to: (folder as NSString).appendingPathComponent("report.json"))
        try ClinicalCLI.writeText(
            HTMLQualityReport(PublishedQualityReport(report), site: site).render(),
            to: (folder as NSString).appendingPathComponent("report.html"))
        if !quiet { print("wrote \(datasetPath) (\(dataset.data.count) rows x \(dataset.columns.count) columns)") }
    }
}
