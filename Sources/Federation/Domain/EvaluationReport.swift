import Learning

/// A site's test metrics for one set of global parameters.
public struct EvaluationReport: Sendable, Codable, Hashable {
    public var site: SiteID
    public var round: Int
    public var metrics: EvaluationMetrics

    public init(site: SiteID, round: Int, metrics: EvaluationMetrics) {
        self.site = site
        self.round = round
        self.metrics = metrics
    }
}
