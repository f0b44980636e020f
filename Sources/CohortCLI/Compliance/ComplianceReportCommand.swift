import ArgumentParser
import Compliance
import Foundation
import Privacy

/// `cohort report compliance`: the page a hospital hands its HIPAA reviewer.
struct ComplianceReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Write a self-contained HTML compliance report for a study at one site (prints cleanly to PDF).",
        discussion: """
        Participants and their keys, the plan hash and who approved it when, what left the site each \
        round (bytes, payload hash, DP-SGD and epsilon against the budget, secure aggregation), refusals, \
        rejections and quarantines, the trails' verification, data quality, and the HIPAA Security Rule \
        safeguards these controls address. Every trail is verified while the report is made.
        """)

    @Option(help: "The study.")
    var study: String

    @Option(help: "The site the report is for.")
    var site: String

    @Option(help: "The site's audit trail.")
    var siteTrail: String

    @Option(help: "The site's public key (.pub or hex), to pin its trail's signer.")
    var siteKey: String?

    @Option(help: "The coordinator's audit trail (adds rejections, quarantines and the participants' keys).")
    var coordinatorTrail: String?

    @Option(help: "The coordinator's public key (.pub or hex).")
    var coordinatorKey: String?

    @Option(help: "The site's policy directory (site-policy.yaml, approvals.jsonl).")
    var policyDir: String?

    @Option(help: "The study's training plan (JSON), to show its terms.")
    var plan: String?

    @Option(help: "The site's privacy ledger (with --privacy-policy): epsilon per round from the ledger.")
    var privacyLedger: String?

    @Option(help: "The site's privacy policy (JSON), for the ledger.")
    var privacyPolicy: String?

    @Option(help: "A data-quality summary (JSON: source, rows_read, rows_included, exclusions, missingness).")
    var quality: String?

    @Option(help: "Where to write the HTML page.")
    var out: String

    func run() throws {
        let siteKey = try siteKey.map { try key($0, "--site-key") }
        let siteLog = try read(siteTrail, key: siteKey, flag: "--site-trail")
        let coordinatorLog = try coordinatorTrail.map { try read($0, key: try coordinatorKey.map { try key($0, "--coordinator-key") }, flag: "--coordinator-trail") }

        var policy: SitePolicy?
        var approvals: PlanApprovals?
        if let policyDir {
            let directory = PolicyDirectory(URL(fileURLWithPath: policyDir))
            do { policy = try directory.policy() } catch { throw CohortError("--policy-dir: \(error)") }
            guard let trusted = siteKey ?? siteLog.verification.publicKey.flatMap({ try? AuditKeyFile.readPublicKey($0) }) else {
                throw CohortError("--policy-dir: cannot check the approvals without the site's key (--site-key)")
            }
            do { approvals = try directory.approvals(trustedKey: trusted) } catch { throw CohortError("--policy-dir: \(error)") }
        }
        let trainingPlan: TrainingPlan?
        do { trainingPlan = try plan.map { try TrainingPlan(contentsOf: URL(fileURLWithPath: $0)) } } catch { throw CohortError("--plan: \(error)") }

        var privacy: PrivacyBudgetSnapshot?
        switch (privacyLedger, privacyPolicy) {
        case (let ledgerPath?, let policyPath?):
            do {
                let ledger = try PrivacyLedger.read(from: URL(fileURLWithPath: ledgerPath))
                let report = PrivacyReport(ledger: ledger, policy: try PrivacyPolicy(contentsOf: URL(fileURLWithPath: policyPath)))
                privacy = PrivacyBudgetSnapshot(site: report.site.name, delta: report.delta, maxEpsilon: report.maxEpsilon, epsilonSpent: report.epsilon,
                                                rounds: report.rounds.map { .init(study: $0.study, round: $0.round, epsilon: $0.epsilon) })
            } catch {
                throw CohortError("--privacy-ledger: \(error)")
            }
        case (nil, nil): break
        default: throw CohortError("--privacy-ledger and --privacy-policy go together")
        }

        var qualitySummary: DataQualitySummary?
        if let quality {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do { qualitySummary = try decoder.decode(DataQualitySummary.self, from: Data(contentsOf: URL(fileURLWithPath: quality))) } catch {
                throw CohortError("--quality: \(quality) is not a quality summary (source, rows_read, rows_included, exclusions, missingness)")
            }
        }

        let report = ComplianceReport(ComplianceReportInput(
            study: study, site: site, siteTrail: siteLog, coordinatorTrail: coordinatorLog, policy: policy, approvals: approvals,
            plan: trainingPlan, privacy: privacy, quality: qualitySummary))
        do { try Data(HTMLComplianceReport.render(report).utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw CohortError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out): \(report.rounds.count) rounds sent, \(report.totalBytes) bytes, \(report.incidents.count) incidents, trails \(report.allTrailsIntact ? "intact" : "DAMAGED")")
        for trail in report.trails where !trail.verification.isIntact {
            FileHandle.standardError.write(Data("cohort: warning: \(trail.name) is damaged: \(trail.verification.damage!)\n".utf8))
        }
    }

    private func key(_ text: String, _ flag: String) throws -> Curve25519PublicKey {
        do { return try AuditKeyFile.readPublicKey(text) } catch { throw CohortError("\(flag): \(error)") }
    }

    private func read(_ path: String, key: Curve25519PublicKey?, flag: String) throws -> AuditLog {
        do { return try AuditLog.read(at: URL(fileURLWithPath: path), verifier: AuditVerifier(trustedKey: key)) } catch {
            throw CohortError("\(flag): \(error)")
        }
    }
}
