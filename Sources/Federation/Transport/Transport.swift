/// How the coordinator reaches sites. The coordinator only ever asks; how the question
/// travels (a function call in simulation, gRPC over mutual TLS in deployment, where sites
/// dial out and pick up work) is the transport's business.
public protocol Transport: Sendable {
    /// Sites that can take work now.
    func availableSites() async -> [SiteID]
    func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate
    func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport
}
