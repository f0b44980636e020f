import ArgumentParser
import ClinicalData
import Foundation

/// `cohort data combine`: the coordinator's side of federated statistics.
struct DataCombineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Add site summaries into the federation's statistics (imputation values, standardization).",
        discussion: "Every site then runs `cohort data prepare --statistics FEDERATION.json`.")

    @Option(help: "Study: a .yaml path or a shipped study name (its hash must match the summaries').")
    var study: String

    @Argument(help: "Site summaries written by `cohort data summarize`.")
    var summaries: [String]

    @Option(help: "Where to write the combined summary.")
    var output: String

    func run() async throws {
        let study = try ClinicalCLI.study(self.study)
        guard !summaries.isEmpty else { throw CohortError("give the site summaries to combine") }
        let loaded = try ClinicalCLI.run { try summaries.map { try SiteSummary.load(from: URL(fileURLWithPath: $0)) } }
        let federated = try ClinicalCLI.run { try FederatedStatistics(study: study, summaries: loaded) }
        // Before imputation fills them in: features a site mostly lacks.
        for warning in loaded.flatMap({ MissingShareWarning.warnings(for: $0, study: study) }) { print("warning: \(warning)") }
        for feature in federated.uninformed {
            print(
                "warning: \(feature): no site has 11 or more values, so none sent their distribution; filled with the middle of its plausible range and not scaled"
            )
        }
        try JSONOutput.write(federated.summary, to: output)
        print("combined \(federated.summary.sites.count) sites (\(federated.summary.sites.joined(separator: ", "))): \(federated.summary.rows) patients")
        for (feature, value) in zip(study.features, federated.imputation) {
            guard let value else { continue }
            let shown = feature.isCategorical ? feature.categories[Int(value)].name : String(format: "%.4g", value)
            print("  impute \(feature.name) with \(shown)")
        }
        print("wrote \(output)")
    }
}
