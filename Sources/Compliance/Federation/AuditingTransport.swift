import Federation

/// Wraps a simulation's transport so each site's side of every round is audited and gated by
/// its `SiteCompliance`, the same piece the deployed site agent runs around its own training
/// (`GovernedSiteWorker` in Transport), without touching `Federation`.
public struct AuditingTransport: Transport {
    private let wrapped: any Transport
    private let sites: [SiteID: SiteCompliance]

    public init(wrapping transport: any Transport, sites: [SiteID: SiteCompliance]) {
        wrapped = transport
        self.sites = sites
    }

    public func availableSites() async -> [SiteID] { await wrapped.availableSites() }

    public func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        guard let compliance = sites[site] else { return try await wrapped.train(request, at: site) }
        return try await compliance.train(request) { try await wrapped.train($0, at: site) }
    }

    public func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        guard let compliance = sites[site] else { return try await wrapped.evaluate(request, at: site) }
        return try await compliance.evaluate(request) { try await wrapped.evaluate($0, at: site) }
    }
}
