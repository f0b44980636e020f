import ArgumentParser
import Foundation
import Privacy

extension PrivacyCommand {
    /// `cohort privacy report`: a site's privacy spending, round by round, from its ledger.
    struct ReportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "A site's epsilon spent, round by round, from its privacy ledger and policy.",
            discussion: """
                Reads the ledger without locking it, so it works while the site runs. Epsilon is the site's \
                cumulative total after each round, across all its studies, at the policy's delta.
                """)

        @Option(help: "The site's privacy ledger (JSON lines).")
        var ledger: String

        @Option(help: "The site's privacy policy: JSON like {\"max_epsilon\": 8, \"delta\": 1e-5}.")
        var policy: String

        @Option(help: "List only this study's rounds (epsilon stays the site's total).")
        var study: String?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            let policy: PrivacyPolicy
            let ledger: PrivacyLedger
            do {
                policy = try PrivacyPolicy(contentsOf: URL(fileURLWithPath: self.policy))
            } catch {
                throw CohortError("--policy: \(error)")
            }
            do {
                ledger = try PrivacyLedger.read(from: URL(fileURLWithPath: self.ledger))
            } catch {
                throw CohortError("--ledger: \(error)")
            }
            let report = PrivacyReport(ledger: ledger, policy: policy)
            let rounds = study.map(report.rounds(of:)) ?? report.rounds
            if json {
                print(try JSONOutput.string(ReportOutput(report: report, rounds: rounds), pretty: true))
                return
            }
            let f = PrivacyFlags.format
            print(
                "site \(report.site): epsilon \(f(report.epsilon)) of \(f(report.maxEpsilon)) spent at delta \(f(report.delta)), "
                    + "\(f(report.remainingEpsilon)) left, \(report.rounds.count) rounds")
            guard !rounds.isEmpty else { return }
            let header = ["study", "round", "sample rate", "noise", "steps", "epsilon after"]
            let rows = rounds.map { [$0.study, "\($0.round)", f($0.sampleRate), f($0.noiseMultiplier), "\($0.steps)", f($0.epsilon)] }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for row in [header] + rows {
                print(
                    zip(row, widths).enumerated().map { column, cell in
                        column == 0
                            ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
                    }.joined(separator: "  "))
            }
        }
    }

    /// The report, with `rounds` narrowed to one study when asked.
    struct ReportOutput: Encodable {
        var site: String
        var delta: Double
        var maxEpsilon: Double
        var epsilon: Double
        var remainingEpsilon: Double
        var rounds: [PrivacyReport.Round]

        init(report: PrivacyReport, rounds: [PrivacyReport.Round]) {
            site = report.site.name
            delta = report.delta
            maxEpsilon = report.maxEpsilon
            epsilon = report.epsilon
            remainingEpsilon = report.remainingEpsilon
            self.rounds = rounds
        }
    }
}
