import Learning

/// A site's test metrics for one set of global parameters.
public struct EvaluationReport: Sendable, Codable, Hashable {
    public var site: SiteID
    public var round: Int
    public var metrics: EvaluationMetrics
    /// The test rows' score histograms, when the request asked for them (`validationBins`).
    public var validation: ValidationStatistics?
    /// The head of the site's audit trail after it recorded this evaluation (nil: it keeps none).
    public var trailHead: TrailHead?

    public init(site: SiteID, round: Int, metrics: EvaluationMetrics, validation: ValidationStatistics? = nil) {
        self.site = site
        self.round = round
        self.metrics = metrics
        self.validation = validation
    }
}
