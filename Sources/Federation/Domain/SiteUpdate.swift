import Learning

/// A site's answer to a training request: the change it made to the global model (never
/// its data), and how much data stood behind it.
public struct SiteUpdate: Sendable, Codable {
    public var study: String
    public var site: SiteID
    public var round: Int
    /// Local parameters minus the global parameters the site started from.
    public var delta: [Float]
    /// Training examples at the site (FedAvg's weight).
    public var sampleCount: Int
    public var training: TrainingSummary
    /// The vectors the algorithm's sites send beside the delta, by name (SCAFFOLD's
    /// `control_delta`, Lockdown's `mask`), as its strategy declares them.
    public var vectors: [VectorName: [Float]]
    /// DP-SGD: what this round cost the site's data, and its cumulative epsilon afterwards
    /// (nil when the site keeps no ledger).
    public var privacy: PrivacySpend?
    public var cumulativeEpsilon: Double?
    /// The head of the site's audit trail after it recorded this update (nil: it keeps none).
    public var trailHead: TrailHead?
    /// Set by a transport that keeps the vectors out of memory (then `delta` and `vectors`
    /// are empty): read them with `forEachChunk(of:)`, or `resolved()`. Never
    /// encoded: it is a handle on this process's storage.
    public var deferred: (any DeferredVectors)?

    private enum CodingKeys: String, CodingKey {
        case study, site, round, delta, sampleCount, training, vectors, privacy, cumulativeEpsilon, trailHead
    }

    public init(
        study: String, site: SiteID, round: Int, delta: [Float], sampleCount: Int,
        training: TrainingSummary, vectors: [VectorName: [Float]] = [:]
    ) {
        self.vectors = vectors
        self.study = study
        self.site = site
        self.round = round
        self.delta = delta
        self.sampleCount = sampleCount
        self.training = training
    }

    /// Every vector the update carries, the delta first, then the others by name: the order
    /// they travel, are hashed for the trail, and are spooled in.
    public var vectorNames: [VectorName] {
        if let deferred { return deferred.names }
        return [.delta] + vectors.keys.sorted()
    }
}

extension SiteUpdate {
    /// The answer to a sealed request: everything but the vectors, which stay at the site
    /// for the secure sum.
    public func sealed() -> SiteUpdate {
        var answer = self
        answer.delta = []
        answer.vectors = [:]
        answer.deferred = nil
        return answer
    }
}
