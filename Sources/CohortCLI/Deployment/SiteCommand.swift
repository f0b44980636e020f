import ArgumentParser
import Compliance
import Federation
import Foundation
import Learning
import Privacy
import Transport

/// `cohort site ...`: the site agent and its operator's tools. `cohort site --config ...
/// --data ...` runs the agent (the default subcommand, also `cohort site run`).
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Take part in a federated study as a site (the agent dials out to the coordinator).",
        subcommands: [SiteRunCommand.self, SiteApproveCommand.self],
        defaultSubcommand: SiteRunCommand.self
    )
}

/// `cohort site run --config site.yaml --data DATA`.
struct SiteRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the site agent until the study ends.",
        discussion: """
            The site's identity is the name in its certificate. DATA is heart-disease (this hospital's \
            share of the bundled UCI data), heart-disease:DIR, or a dataset prepared with cohort data \
            prepare. The agent keeps a checkpoint in the config's state directory after every answer, \
            so it can be stopped and started at any time; lost connections are retried with backoff.
            """)

    @Option(help: "The site's YAML config (from its startup kit).")
    var config: String

    @Option(help: "The site's data (overrides the config's data).")
    var data: String?

    @Option(help: "Dial this host:port instead of the config's coordinator.")
    var coordinator: String?

    func run() async throws {
        let log = EventLog(component: "site")
        let settings = try deployment { try SiteConfig.load(URL(fileURLWithPath: config)) }
        let credentials = try deployment {
            try Credentials(certificate: settings.certificate, key: settings.key, authority: settings.authority, log: log)
        }
        guard let site = credentials.identity.site else {
            throw CohortError("\(settings.certificate.path) is the coordinator's certificate; a site needs its own (cohort provision add-site)")
        }
        guard let dataText = data ?? settings.data else {
            throw CohortError("no site data: pass --data (heart-disease, heart-disease:DIR, or a prepared dataset) or set 'data' in \(settings.file)")
        }
        let source = try SiteDataSource.resolve(dataText, site: site.name)
        var address = settings.coordinator
        if let coordinator { address = try deployment { try NetworkAddress(parsing: coordinator) } }
        let privacyGuard = try makePrivacyGuard(settings, site: site)
        BLAS.setThreadCount(1)
        let federated = FederatedSiteWorker(
            summary: source.summary, makeData: source.make, stateDirectory: settings.stateDirectory,
            privacyGuard: privacyGuard, log: log,
            secureEndpoint: { site, _ in SecAggParticipant.endpoint(for: site) })
        let worker = try governed(federated, settings: settings, site: site, log: log)
        log.info(
            "starting",
            [
                "site": site.name, "consortium": credentials.identity.consortium, "coordinator": address.description,
                "data": source.description
            ])
        let agent = SiteAgent(
            options: .init(
                coordinator: address, credentials: credentials,
                reconnectInitialSeconds: settings.reconnectInitialSeconds,
                reconnectMaximumSeconds: settings.reconnectMaximumSeconds,
                agentVersion: "cohort \(CohortVersion.current)"),
            worker: worker, log: log)
        let finish: SiteAgent.Finish
        do {
            finish = try await agent.run()
        } catch let error as SiteAgentError {
            throw CohortError(error.description)
        }
        print("study \(finish.study) finished after \(finish.rounds) rounds; final model checksum \(finish.modelChecksum)")
    }

    /// The worker under the site's governance: its trail (`audit:`) and its steward's policy
    /// and approvals (`policy:`). A policy without a trail is refused: every refusal must be
    /// recorded where an auditor will look.
    private func governed(_ worker: any SiteWorker, settings: SiteConfig, site: SiteID, log: EventLog) throws -> any SiteWorker {
        guard let audit = settings.audit else {
            if settings.policy != nil {
                throw CohortError(
                    "\(settings.file): 'policy' needs 'audit' too: every refusal is recorded on the site's trail (add audit: {directory: audit, key: keys/audit.key})"
                )
            }
            log.warning(
                "ungoverned", ["reason": "no audit trail and no site policy configured: this site runs any plan the coordinator sends and records nothing"])
            return worker
        }
        let gate = try settings.policy.map { try DeployedGovernance.gate($0, site: site.name, config: settings.file) }
        let trail = try DeployedGovernance.trail(audit, participant: site.name, role: .site, config: settings.file)
        log.info("audit-trail", ["path": trail.path, "governed": gate == nil ? "no" : "yes"])
        return GovernedSiteWorker(wrapping: worker, auditor: SiteAuditor(trail: trail, site: site.name), gate: gate, log: log)
    }

    /// DP-SGD studies: the site's own budget and ledger (in its state directory).
    private func makePrivacyGuard(_ settings: SiteConfig, site: SiteID) throws -> (any PrivacyGuard)? {
        guard let budget = settings.privacyBudget else { return nil }
        do {
            try FileManager.default.createDirectory(at: settings.stateDirectory, withIntermediateDirectories: true)
            let policy = try PrivacyPolicy(maxEpsilon: budget, delta: settings.privacyDelta)
            let ledger = settings.stateDirectory.appendingPathComponent("\(site.name).privacy-ledger.jsonl")
            let opening: PrivacyBudget.LedgerOpening = FileManager.default.fileExists(atPath: ledger.path) ? .existing : .new
            return try PrivacyBudget(site: site, policy: policy, ledger: ledger, opening: opening)
        } catch {
            throw CohortError("\(settings.file): privacy: \(error)")
        }
    }
}
