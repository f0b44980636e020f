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
    /// SCAFFOLD: the change of the site's control variate, `c_i+ - c_i`.
    public var controlDelta: [Float]?
    /// Lockdown: the site's 0/1 subspace mask after this round (the delta is zero outside it).
    public var mask: [Float]?
    /// DP-SGD: what this round cost the site's data, and its cumulative epsilon afterwards
    /// (nil when the site keeps no ledger).
    public var privacy: PrivacySpend?
    public var cumulativeEpsilon: Double?
    /// Set by a transport that keeps the vectors out of memory (then `delta`, `controlDelta`
    /// and `mask` are empty): read them with `forEachChunk(of:)`, or `resolved()`. Never
    /// encoded: it is a handle on this process's storage.
    public var deferred: (any DeferredVectors)?

    private enum CodingKeys: String, CodingKey {
        case study, site, round, delta, sampleCount, training, controlDelta, mask, privacy, cumulativeEpsilon
    }

    public init(study: String, site: SiteID, round: Int, delta: [Float], sampleCount: Int,
                training: TrainingSummary, controlDelta: [Float]? = nil, mask: [Float]? = nil) {
        self.mask = mask
        self.study = study
        self.site = site
        self.round = round
        self.delta = delta
        self.sampleCount = sampleCount
        self.training = training
        self.controlDelta = controlDelta
    }
}

extension SiteUpdate {
    /// The answer to a sealed request: everything but the vectors, which stay at the site
    /// for the secure sum.
    public func sealed() -> SiteUpdate {
        var answer = self
        answer.delta = []
        answer.controlDelta = nil
        answer.mask = nil
        answer.deferred = nil
        return answer
    }
}
