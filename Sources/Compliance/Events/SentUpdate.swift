/// What left a site in one round: its size and fingerprint, how many patients stood behind
/// it, and the protections applied. The parameters themselves are never logged.
public struct SentUpdate: Hashable, Sendable {
    public var study: String
    public var round: Int
    public var site: String
    /// Training rows the update was computed on.
    public var rows: Int
    /// Bytes of model values that left (4 per float32: the change, plus SCAFFOLD's control
    /// change and Lockdown's mask when present).
    public var bytes: Int
    /// SHA-256 of those bytes (little-endian float32, in that order), hex.
    public var payloadSHA256: String
    public var secureAggregation: Bool
    /// DP-SGD applied to this round (nil: none).
    public var privacy: UpdatePrivacy?

    public init(
        study: String, round: Int, site: String, rows: Int, bytes: Int, payloadSHA256: String,
        secureAggregation: Bool, privacy: UpdatePrivacy? = nil
    ) {
        self.study = study
        self.round = round
        self.site = site
        self.rows = rows
        self.bytes = bytes
        self.payloadSHA256 = payloadSHA256
        self.secureAggregation = secureAggregation
        self.privacy = privacy
    }
}

/// One round's DP-SGD parameters and the site's cumulative privacy loss after it.
public struct UpdatePrivacy: Hashable, Sendable {
    public var noiseMultiplier: Double
    public var samplingRate: Double
    public var steps: Int
    public var clipNorm: Double?
    public var delta: Double?
    /// The site's cumulative epsilon after this round, at `delta` (nil without a ledger).
    public var epsilonAfter: Double?

    public init(
        noiseMultiplier: Double, samplingRate: Double, steps: Int, clipNorm: Double? = nil, delta: Double? = nil,
        epsilonAfter: Double? = nil
    ) {
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
        self.steps = steps
        self.clipNorm = clipNorm
        self.delta = delta
        self.epsilonAfter = epsilonAfter
    }
}
