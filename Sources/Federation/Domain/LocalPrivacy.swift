import Learning

/// DP-SGD settings a study asks sites to train with (sample-level differential privacy).
///
/// The study fixes the clipping norm, the expected batch size and either a noise multiplier
/// or a target epsilon for the whole study; each site turns the batch size into its own
/// Poisson rate q = batch / rows, and a target epsilon into its own noise multiplier through
/// its accountant (its `PrivacyGuard`), so every site spends exactly what the study promises
/// whatever its size. Epsilon is measured at the site policy's delta; `delta` here is the
/// study's request, which a site whose policy uses a larger delta refuses.
public struct LocalPrivacy: Hashable, Sendable, Codable {
    public enum Noise: Hashable, Sendable, Codable {
        case multiplier(Double)
        /// Calibrate sigma so that `plannedSteps` local steps over the study spend `epsilon`.
        case targetEpsilon(Double, plannedSteps: Int)
    }

    public var clipNorm: Float
    public var noise: Noise
    public var expectedBatchSize: Double
    public var delta: Double

    public init(clipNorm: Float, noise: Noise, expectedBatchSize: Double, delta: Double) {
        self.clipNorm = clipNorm
        self.noise = noise
        self.expectedBatchSize = expectedBatchSize
        self.delta = delta
    }

    /// The Poisson rate at a site holding `rows` training rows.
    public func samplingRate(rows: Int) -> Double {
        min(1, expectedBatchSize / Double(max(rows, 1)))
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
    /// The noise multiplier with which `steps` steps at `samplingRate` spend `epsilon` at the
    /// site's delta (starting from an empty ledger for this study's plan).
    func noiseMultiplier(forEpsilon epsilon: Double, delta: Double, samplingRate: Double, steps: Int) async throws -> Double
    /// Throws, with a message for the coordinator and the site's operator, when `spend`
    /// would take the site past its policy.
    func authorize(_ spend: PrivacySpend) async throws
    /// Records `spend` and returns the site's cumulative epsilon afterwards.
    func commit(_ spend: PrivacySpend) async throws -> Double
    /// Gives back an authorization whose round did not run (training failed).
    func release(_ spend: PrivacySpend) async
}
