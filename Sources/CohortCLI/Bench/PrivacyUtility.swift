import ArgumentParser
import Foundation

/// `cohort bench privacy`: accuracy against epsilon on the four hospitals (FLamby protocol,
/// logistic regression, DP-SGD at every site), several seeds: the privacy-utility table.
struct PrivacyUtilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Accuracy at each per-site epsilon (DP-SGD), averaged over seeds.")

    @Option(help: "Comma-separated per-site epsilons; 'inf' is the run without DP.")
    var epsilons: String = "0.5,1,3,8,inf"

    @Option(help: "Delta at which epsilon is measured.")
    var delta: Double = 1e-5

    @Option(help: "Comma-separated seeds.")
    var seeds: String = "42,43,44,45,46"

    @Option(help: "Extra options passed to every simulate run, e.g. \"--dp-clip 1.0\".")
    var extra: String = ""

    @Option(help: "Write the Markdown table between the privacy-utility markers of this README.")
    var readme: String?

    func run() async throws {
        let seedList = try Sweep.seeds(seeds)
        var rows: [(label: String, average: [Double], pooled: [Double], spent: [Double])] = []
        for text in epsilons.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let epsilon = text.lowercased() == "inf" ? Double.infinity : Double(text)
            guard let epsilon, epsilon > 0 else { throw CohortError("--epsilons must be positive numbers or inf, got '\(text)'") }
            var row = (label: epsilon.isInfinite ? "∞ (no DP)" : text, average: [Double](), pooled: [Double](), spent: [Double]())
            for seed in seedList {
                var arguments = ["--seed", "\(seed)", "--quiet", "--dp-delta", "\(delta)"]
                if epsilon.isFinite { arguments += ["--dp-epsilon", "\(epsilon)"] }
                arguments += extra.split(separator: " ").map(String.init)
                let report = try await Sweep.run(arguments)
                row.average.append(report.final.averageClientAccuracy)
                row.pooled.append(report.final.pooledTestAccuracy ?? .nan)
                if let most = report.privacy?.sites.map(\.epsilon).max() { row.spent.append(most) }
            }
            Sweep.progress("epsilon \(row.label): average client accuracy \(Sweep.summary(row.average))")
            rows.append(row)
        }
        var lines = [
            "| epsilon per site (delta \(delta)) | average client accuracy | pooled test accuracy | largest epsilon spent |",
            "| --- | --- | --- | --- |"
        ]
        for row in rows {
            let spent = row.spent.isEmpty ? "-" : String(format: "%.3f", row.spent.max()!)
            lines.append("| \(row.label) | \(Sweep.summary(row.average)) | \(Sweep.summary(row.pooled)) | \(spent) |")
        }
        lines.append("")
        lines.append(
            "FLamby protocol (4 hospitals, logistic regression, FedAvg, 15 rounds x 100 local steps, expected batch 4, lr 0.001), "
                + "DP-SGD with Poisson sampling and clipping norm 1.1 at every site, noise calibrated by each site to spend the epsilon "
                + "over the whole study; mean ± sd over seeds \(seeds). Reproduce: `cohort bench privacy`.")
        let table = lines.joined(separator: "\n")
        print(table)
        if let readme { try Sweep.splice(table, into: readme, marker: "privacy-utility") }
    }
}
