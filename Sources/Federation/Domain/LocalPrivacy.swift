import Learning

/// DP-SGD settings a study asks sites to train with (sample-level differential privacy).
public struct LocalPrivacy: Hashable, Sendable, Codable {
    public var clipNorm: Float
    public var noiseMultiplier: Float
    /// Poisson sampling rate q of each local step.
    public var samplingRate: Double
    /// The delta the site's accountant reports epsilon at.
    public var delta: Double

    public init(clipNorm: Float, noiseMultiplier: Float, samplingRate: Double, delta: Double) {
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
        self.delta = delta
    }

    public var parameters: DPSGDParameters {
        DPSGDParameters(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier, samplingRate: samplingRate)
    }
}

/// One round's use of a site's data under DP-SGD: what a privacy accountant composes.
public struct PrivacySpend: Hashable, Sendable, Codable {
    public var study: String
    public var round: Int
    public var samplingRate: Double
    public var noiseMultiplier: Double
    public var steps: Int

    public init(study: String, round: Int, samplingRate: Double, noiseMultiplier: Double, steps: Int) {
        self.study = study
        self.round = round
        self.samplingRate = samplingRate
        self.noiseMultiplier = noiseMultiplier
        self.steps = steps
    }
}

/// The site's privacy budget keeper, consulted around every private round. The site asks
/// before touching its data, so a round that would overrun the policy is refused up front,
/// and records the spend after training. Implemented by the `Privacy` module's ledger;
/// `Federation` only knows this protocol.
public protocol PrivacyGuard: Sendable {
    /// Throws, with a message for the coordinator and the site's operator, when `spend`
    /// would take the site past its policy.
    func authorize(_ spend: PrivacySpend) async throws
    /// Records `spend` and returns the site's cumulative epsilon afterwards.
    func commit(_ spend: PrivacySpend) async throws -> Double
}
