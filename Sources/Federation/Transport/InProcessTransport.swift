/// Sites as actors in this process: the simulation's transport. Tests wrap it to inject
/// dropouts, stragglers and broken updates (`Simulation.siteTransportWrapper`).
public struct InProcessTransport: Transport, SecureExchanging {
    private let sites: [SiteID: Site]
    private let endpoints: [SiteID: any SecureEndpoint]

    /// `endpoints`: each site's secure-aggregation endpoint, for studies that use it.
    public init(sites: [Site], endpoints: [SiteID: any SecureEndpoint] = [:]) {
        self.sites = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
        self.endpoints = endpoints
    }

    public func availableSites() async -> [SiteID] {
        sites.keys.sorted()
    }

    public func train(_ request: TrainingRequest, at id: SiteID) async throws -> SiteUpdate {
        guard let site = sites[id] else { throw SiteError.unavailable(id) }
        return try await site.train(request)
    }

    public func evaluate(_ request: EvaluationRequest, at id: SiteID) async throws -> EvaluationReport {
        guard let site = sites[id] else { throw SiteError.unavailable(id) }
        return try await site.evaluate(request)
    }

    public func exchange(_ message: [UInt8], at id: SiteID, round: Int) async throws -> [UInt8] {
        guard let endpoint = endpoints[id] else { throw SiteError.unavailable(id) }
        return try await endpoint.respond(to: message)
    }
}
