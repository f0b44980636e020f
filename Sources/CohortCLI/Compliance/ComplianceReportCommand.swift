import ArgumentParser
import Compliance
import Foundation
import Privacy

/// `cohort report compliance`: the page a hospital hands its HIPAA reviewer, for one site or
/// for a deployed study whose trails a compliance officer collected.
///
/// A report over a damaged trail is still written (it shows the damage), but the command then
/// fails: a report produced with exit status 0 must mean every record behind it verified.
struct ComplianceReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Write a self-contained HTML compliance report for a study, at one site or at all of them (prints cleanly to PDF).",
        discussion: """
            Participants and their keys, the plan hash and who approved it when, what left each site \
            every round (bytes, payload SHA-256, DP-SGD parameters and epsilon after the round, secure \
            aggregation), the sites' refusals with their reasons, the coordinator's view of every site \
            (accepted, rejected, failed, quarantined, with reasons), the trails' verification, data quality, \
            and the HIPAA Security Rule safeguards these controls address.

            A deployed study has one coordinator trail and one trail per site. Give every site's trail \
            with --site-trail (repeat it); each trail's site is the signer its first entry names, and \
            --site-key NAME=KEY or --site-key-dir pins it, so a trail claiming another site's name fails \
            verification. --policy-dir, --privacy-ledger and --quality are one site's own records: with \
            several site trails, --site says which.

            --policy-dir needs --steward-key: the approvals are signed by the data steward's key \
            (cohort site approve --key), and an approval checked against no pinned key proves nothing, \
            since anyone who can write the folder can add one; so the report refuses to show approvals \
            it could not check rather than show them as if they were.

            Every trail is verified while the report is made. When one fails, the report is still \
            written (marked DAMAGED, showing where), and then the command exits 1, naming each damaged \
            trail and its first damaged entry. Bad input (a missing file, a key that matches no trail, \
            approvals not signed by --steward-key) exits 1 before anything is written. A trail checked \
            against the key it names itself (no pinned key), and a site the coordinator's trail names \
            whose own trail was not given, are warned about and shown in the report. --json writes the \
            same content machine-readable (contract: docs/compliance-report.md).
            """)

    @Option(help: "The study.")
    var study: String

    @Option(help: "The site whose --policy-dir, --privacy-ledger and --quality are given (default: the site of the only --site-trail).")
    var site: String?

    @Option(name: .customLong("site-trail"), help: "A site's audit trail (repeat for every site of the study); its site is the trail's signer.")
    var siteTrails: [String] = []

    @Option(
        name: .customLong("site-key"),
        help: "A site's public key, NAME=KEY (.pub file or hex), to pin its trail's signer (repeat per site); a bare KEY with one --site-trail.")
    var siteKeys: [String] = []

    @Option(help: "A folder of the sites' public keys, NAME.key.pub or NAME.pub; every site trail must find its key there.")
    var siteKeyDir: String?

    @Option(help: "The coordinator's audit trail (adds the coordinator's view of each site and the participants' keys).")
    var coordinatorTrail: String?

    @Option(help: "The coordinator's public key (.pub or hex).")
    var coordinatorKey: String?

    @Option(help: "The site's policy directory (site-policy.yaml, approvals.jsonl); needs --steward-key.")
    var policyDir: String?

    @Option(help: "The data steward's public key (.pub or hex) that signs the approvals in --policy-dir.")
    var stewardKey: String?

    @Option(help: "The study's training plan (JSON), to show its terms.")
    var plan: String?

    @Option(help: "The site's privacy ledger (with --privacy-policy): epsilon per round from the ledger.")
    var privacyLedger: String?

    @Option(help: "The site's privacy policy (JSON), for the ledger.")
    var privacyPolicy: String?

    @Option(
        help:
            "The site's data quality: the JSON of cohort data check --shared (small counts stay as published, \"<11\"), or a summary (source, rows_read, rows_included, exclusions, missingness)."
    )
    var quality: String?

    @Option(help: "Where to write the HTML page.")
    var out: String

    @Option(
        help: "Also write the report as JSON (per site: updates with bytes, SHA-256 and epsilon, refusals, the coordinator's view; every trail's verification)."
    )
    var json: String?

    func validate() throws {
        if siteTrails.isEmpty { throw ValidationError("give at least one --site-trail (one per site of the study)") }
        if stewardKey != nil, policyDir == nil { throw ValidationError("--steward-key checks the approvals in --policy-dir: give --policy-dir too") }
        if coordinatorKey != nil, coordinatorTrail == nil { throw ValidationError("--coordinator-key pins --coordinator-trail: give --coordinator-trail too") }
    }

    func run() throws {
        let sites = try readSiteTrails()
        let coordinatorLog = try coordinatorTrail.map { path in
            let log = try read(path, key: try coordinatorKey.map { try key($0, "--coordinator-key") }, flag: "--coordinator-trail")
            if let role = log.verification.role, role != .coordinator {
                throw CohortError("--coordinator-trail \(path) is the trail of \(log.verification.participant ?? "?") (\(role.rawValue)), not of a coordinator")
            }
            return log
        }
        let described = try describedSite(among: sites.map(\.name))
        let (policy, approvals) = try policyAndApprovals()
        let trainingPlan: TrainingPlan?
        do { trainingPlan = try plan.map { try TrainingPlan(contentsOf: URL(fileURLWithPath: $0)) } } catch { throw CohortError("--plan: \(error)") }

        let report = ComplianceReport(
            ComplianceReportInput(
                study: study, siteTrails: sites, site: described, coordinatorTrail: coordinatorLog, policy: policy, approvals: approvals,
                plan: trainingPlan, privacy: try privacyBudget(), quality: try quality.map(QualitySummaryFile.read)))
        do { try Data(HTMLComplianceReport.render(report).utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw CohortError("cannot write \(out): \(error.localizedDescription)")
        }
        if let json {
            do { try ComplianceReportJSON.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic) } catch {
                throw CohortError("cannot write --json \(json): \(error.localizedDescription)")
            }
        }
        print(
            "wrote \(out)\(json.map { " and \($0)" } ?? ""): \(report.sites.count) site(s), \(report.rounds.count) update(s) sent, \(report.totalBytes) bytes, \(report.incidents.count) incidents, trails \(report.allTrailsIntact ? "intact" : "DAMAGED")"
        )
        for trail in report.trails where !trail.verification.keyPinned {
            FileHandle.standardError.write(
                Data(
                    "cohort: warning: \(trail.name) (\(trail.path)) is checked against the key its own first entry names, not a pinned one; it proves only that it is unaltered since then\n"
                        .utf8))
        }
        if !report.sitesWithoutTrail.isEmpty {
            FileHandle.standardError.write(
                Data(
                    "cohort: warning: the coordinator's trail names \(report.sitesWithoutTrail.joined(separator: ", ")), whose trail was not given (--site-trail); what left them is not in the report\n"
                        .utf8))
        }
        let damaged = report.damagedTrails.map {
            "\($0.path) (\($0.name)): first damaged entry \($0.verification.damage!.entry), \($0.verification.damage!.kind.rawValue): \($0.verification.damage!.reason)"
        }
        if !damaged.isEmpty {
            throw CohortError(
                "the report is written, marked DAMAGED, but \(damaged.count == 1 ? "a trail" : "\(damaged.count) trails") failed verification: \(damaged.joined(separator: "; ")); check with cohort audit verify --trail FILE --public-key KEY"
            )
        }
    }

    /// Every --site-trail, verified under its pinned key when one is given, named by its signer.
    private func readSiteTrails() throws -> [ComplianceReportInput.SiteTrail] {
        var keys = try SiteTrailKeys(siteKeys, folder: siteKeyDir, trailCount: siteTrails.count)
        var sites: [ComplianceReportInput.SiteTrail] = []
        var pathsByName: [String: String] = [:]
        for path in siteTrails {
            // The trail names its signer in its first entry; the key pinned for that name then verifies it.
            var log = try read(path, key: nil, flag: "--site-trail")
            if let key = try keys.key(for: log.verification.participant) { log = try read(path, key: key, flag: "--site-trail") }
            if let role = log.verification.role, role != .site {
                throw CohortError(
                    "--site-trail \(path) is the trail of \(log.verification.participant ?? "?") (\(role.rawValue)), not of a site\(role == .coordinator ? "; give it with --coordinator-trail" : "")"
                )
            }
            let trail = ComplianceReportInput.SiteTrail(log)
            if let other = pathsByName[trail.name] { throw CohortError("--site-trail \(other) and \(path) are both trails of site \(trail.name)") }
            pathsByName[trail.name] = path
            sites.append(trail)
        }
        if let name = keys.unused.first {
            throw CohortError(
                "--site-key \(name): no --site-trail is the trail of a site named \(name) (the trails are of \(sites.map(\.name).joined(separator: ", ")))")
        }
        return sites
    }

    /// The site the one-site records describe: --site, else the only trail's site.
    private func describedSite(among names: [String]) throws -> String? {
        if let site {
            guard names.contains(site) else {
                throw CohortError("--site \(site): no --site-trail is the trail of \(site) (the trails are of \(names.joined(separator: ", ")))")
            }
            return site
        }
        if names.count == 1 { return names[0] }
        let oneSite = [("--policy-dir", policyDir), ("--privacy-ledger", privacyLedger), ("--quality", quality)].filter { $0.1 != nil }.map(\.0)
        if !oneSite.isEmpty {
            throw CohortError(
                "\(oneSite.joined(separator: ", ")) \(oneSite.count == 1 ? "is one site's record" : "are one site's records"): name the site with --site (one of \(names.joined(separator: ", ")))"
            )
        }
        return nil
    }

    /// The site's policy, and its approvals verified under the steward's pinned key.
    private func policyAndApprovals() throws -> (SitePolicy?, PlanApprovals?) {
        guard let policyDir else { return (nil, nil) }
        let directory = PolicyDirectory(URL(fileURLWithPath: policyDir))
        let policy: SitePolicy
        do { policy = try directory.policy() } catch { throw CohortError("--policy-dir: \(error)") }
        let approvalsPath = (policyDir as NSString).appendingPathComponent("approvals.jsonl")
        guard let stewardKey else {
            throw CohortError(
                "--policy-dir needs --steward-key: the approvals in \(approvalsPath) are signed by the data steward's key (cohort site approve --key KEY signs them; give KEY.pub or its hex), and approvals checked against no pinned key prove nothing"
            )
        }
        let trusted = try key(stewardKey, "--steward-key")
        do {
            return (policy, try directory.approvals(trustedKey: trusted))
        } catch .damaged(_, let damage) where damage.kind == .untrustedKey {
            throw CohortError(
                "--policy-dir: the approvals in \(approvalsPath) are not signed by the --steward-key \(stewardKey) (\(damage.reason)); give the public key that signed them (KEY.pub for cohort site approve --key KEY); if that is not the data steward's key, these approvals are not the steward's and must not be trusted"
            )
        } catch .damaged(_, let damage) {
            throw CohortError(
                "--policy-dir: the approvals in \(approvalsPath) fail verification at entry \(damage.entry) (\(damage.kind.rawValue): \(damage.reason)), so no approval in it can be trusted; check with cohort audit verify --trail \(approvalsPath) --public-key \(stewardKey)"
            )
        } catch {
            throw CohortError("--policy-dir: \(error)")
        }
    }

    /// The site's epsilon per round from its privacy ledger, in plain values.
    private func privacyBudget() throws -> PrivacyBudgetSnapshot? {
        switch (privacyLedger, privacyPolicy) {
        case (let ledgerPath?, let policyPath?):
            do {
                let ledger = try PrivacyLedger.read(from: URL(fileURLWithPath: ledgerPath))
                let report = PrivacyReport(ledger: ledger, policy: try PrivacyPolicy(contentsOf: URL(fileURLWithPath: policyPath)))
                return PrivacyBudgetSnapshot(
                    site: report.site.name, delta: report.delta, maxEpsilon: report.maxEpsilon, epsilonSpent: report.epsilon,
                    rounds: report.rounds.map { .init(study: $0.study, round: $0.round, epsilon: $0.epsilon) })
            } catch {
                throw CohortError("--privacy-ledger: \(error)")
            }
        case (nil, nil): return nil
        default: throw CohortError("--privacy-ledger and --privacy-policy go together")
        }
    }

    private func key(_ text: String, _ flag: String) throws -> Curve25519PublicKey {
        do { return try AuditKeyFile.readPublicKey(text) } catch { throw CohortError("\(flag): \(error)") }
    }

    /// Reads and verifies a trail; damage does not throw (the report shows it). The path stays
    /// as the user gave it, for the report and the messages.
    private func read(_ path: String, key: Curve25519PublicKey?, flag: String) throws -> AuditLog {
        do {
            var log = try AuditLog.read(at: URL(fileURLWithPath: path), verifier: AuditVerifier(trustedKey: key))
            log.path = path
            return log
        } catch .missing {
            throw CohortError("\(flag) \(path): no such file")
        } catch .unreadable(_, let reason) {
            throw CohortError("\(flag) \(path): cannot read it: \(reason)")
        } catch {
            throw CohortError("\(flag) \(path): \(error)")
        }
    }
}
