/// Secure aggregation for a study in one process: the coordinator's secure sum and, for each
/// site, the endpoint that answers it with the update its `Site` holds.
public struct SecureAggregationSetup: Sendable {
    public var summation: any SecureSummation
    public var endpoint: @Sendable (Site) -> any SecureEndpoint

    public init(summation: any SecureSummation, endpoint: @escaping @Sendable (Site) -> any SecureEndpoint) {
        self.summation = summation
        self.endpoint = endpoint
    }
}

/// Sends secure-aggregation messages straight to the sites' endpoints, past wrappers that
/// only know training and evaluation (auditing, policy gates): they see and log each sealed
/// answer, while the stage messages they could not read anyway go through untouched.
struct SecureExchangeRouting: Transport, SecureExchanging {
    let base: any Transport
    let endpoints: any SecureExchanging

    func availableSites() async -> [SiteID] { await base.availableSites() }

    func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        try await base.train(request, at: site)
    }

    func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await base.evaluate(request, at: site)
    }

    func exchange(_ message: [UInt8], at site: SiteID, round: Int) async throws -> [UInt8] {
        try await endpoints.exchange(message, at: site, round: round)
    }
}
