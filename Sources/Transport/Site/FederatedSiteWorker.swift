import Federation
import Foundation
import Learning

/// The real site: Federation's `Site` actor over this hospital's data, with its checkpoint
/// kept in the state directory.
public actor FederatedSiteWorker: SiteWorker {
    public nonisolated let data: DataSummary
    private let makeData: @Sendable (StudyDescription) throws -> SiteData
    private let stateDirectory: URL
    private let privacyGuard: (any PrivacyGuard)?
    private let log: EventLog
    /// Builds the site's secure-aggregation endpoint once it has joined a study.
    private let makeSecureEndpoint: (@Sendable (Site, StudyDescription) -> any SecureEndpoint)?
    private var secureEndpoint: (any SecureEndpoint)?
    private var site: Site?
    private var stateFile: SiteStateFile?
    private var study: StudyDescription?

    /// A site whose data is ready now.
    public init(
        data: SiteData, schemaSHA256: String? = nil, stateDirectory: URL, privacyGuard: (any PrivacyGuard)? = nil,
        log: EventLog = .silent, secureEndpoint: (@Sendable (Site, StudyDescription) -> any SecureEndpoint)? = nil
    ) {
        self.init(
            summary: DataSummary(
                exampleShape: data.train.exampleShape, task: data.train.task, trainingRows: data.train.count,
                testRows: data.test.count, schemaSHA256: schemaSHA256),
            makeData: { _ in data }, stateDirectory: stateDirectory, privacyGuard: privacyGuard, log: log,
            secureEndpoint: secureEndpoint)
    }

    /// A site whose train/test split depends on the study (prepared data is split with the
    /// study's seed, as `cohort simulate` splits it).
    public init(
        summary: DataSummary, makeData: @escaping @Sendable (StudyDescription) throws -> SiteData, stateDirectory: URL,
        privacyGuard: (any PrivacyGuard)? = nil, log: EventLog = .silent,
        secureEndpoint: (@Sendable (Site, StudyDescription) -> any SecureEndpoint)? = nil
    ) {
        makeSecureEndpoint = secureEndpoint
        self.makeData = makeData
        data = summary
        self.stateDirectory = stateDirectory
        self.privacyGuard = privacyGuard
        self.log = log
    }

    public func join(_ study: StudyDescription, as siteID: SiteID) async throws {
        if let site, self.study == study, site.id == siteID { return }
        if let problem = data.mismatch(with: study) { throw SiteAgentError.cannotJoin(problem) }
        let siteData = try makeData(study)
        let site = try Site(
            id: siteID, study: study.studyID, model: study.model, data: siteData, seed: study.seed,
            privacyGuard: privacyGuard)
        let expected = try Model(spec: study.model, inputShape: study.exampleShape, task: study.task, seed: study.seed).parameterCount
        guard expected == study.parameterCount else {
            throw SiteAgentError.cannotJoin(
                "study '\(study.studyID)' announces \(study.parameterCount) parameters but its model (\(study.model)) has \(expected) here; the coordinator and this site run different Cohort versions"
            )
        }
        do {
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw SiteAgentError.cannotJoin("cannot create the state directory \(stateDirectory.path): \(error.localizedDescription)")
        }
        let file = SiteStateFile(directory: stateDirectory, study: study.studyID)
        if let state = try file.load() {
            try await site.restore(state)
            log.info("state-restored", ["file": file.url.path, "last_round": state.lastAnswer.map { "\($0.round)" } ?? "none"])
        }
        self.site = site
        self.stateFile = file
        self.study = study
        secureEndpoint = makeSecureEndpoint?(site, study)
    }

    public func respond(toSecureMessage message: [UInt8]) async throws -> [UInt8] {
        guard let secureEndpoint else {
            throw SiteAgentError.outOfOrder(
                site == nil
                    ? "asked for secure aggregation before joining a study"
                    : "this site takes no part in secure aggregation (no secure endpoint configured)")
        }
        return try await secureEndpoint.respond(to: message)
    }

    public func train(_ request: TrainingRequest) async throws -> SiteUpdate {
        guard let site, let stateFile else { throw SiteAgentError.outOfOrder("asked to train before joining a study") }
        let update = try await site.train(request)
        try stateFile.save(await site.checkpoint())
        return update
    }

    public func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport {
        guard let site else { throw SiteAgentError.outOfOrder("asked to evaluate before joining a study") }
        return try await site.evaluate(request)
    }
}
