import Federation

/// What a site agent drives: the local side of a study. The agent handles the network
/// (dialling out, heartbeats, chunked transfers, retries); the worker trains and evaluates.
public protocol SiteWorker: Sendable {
    /// The site's data, for the coordinator's schema check.
    var data: DataSummary { get }
    /// Whether training needs the global parameters (a benchmark worker may not).
    var needsGlobalParameters: Bool { get }
    /// Prepares for `study` as site `site` (the name in the certificate): builds the local
    /// model and restores the site's checkpoint. Throws if the data does not fit the study.
    func join(_ study: StudyDescription, as site: SiteID) async throws
    func train(_ request: TrainingRequest) async throws -> SiteUpdate
    func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport
    /// Answers a secure-aggregation stage message with the site's `SecureEndpoint`.
    func respond(toSecureMessage message: [UInt8]) async throws -> [UInt8]
}

extension SiteWorker {
    public var needsGlobalParameters: Bool { true }

    public func respond(toSecureMessage message: [UInt8]) async throws -> [UInt8] {
        throw SiteAgentError.outOfOrder("this site takes no part in secure aggregation (no secure endpoint configured)")
    }
}
