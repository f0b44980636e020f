/// The random draws of one differentially private release, in the one place both DP-SGD
/// (`Model.computePrivateGradient`) and DP-FedAvg take them from: Gaussian noise, and the
/// uniform coins of Poisson sampling (`PoissonSampler`).
///
/// Seeded, it reproduces exactly the draws Cohort has always made from `SeededGenerator(seed:
/// stream:)`, so seeded runs stay bit-identical to earlier results. Secure, it draws from the
/// kernel (`SecureRandomGenerator`) and hardens the Gaussian against floating-point attacks
/// (`hardenedGaussian(deviation:)`); the seed and stream are then ignored.
///
/// Codable so that a checkpointed sampler resumes where it was: a seeded source stores its
/// generator's state; a secure one stores nothing (there is nothing to resume, and secret bits
/// do not belong in a state file) and draws fresh randomness after decoding.
public struct DPNoise: Sendable, Codable {
    /// Present exactly when the source is seeded.
    private var seeded: SeededGenerator?
    /// Used when the source is secure; reads nothing from the kernel until its first draw.
    private var secure = SecureRandomGenerator()

    public init(_ source: NoiseSource, seed: UInt64, stream: UInt64 = 0) {
        if source == .seeded { seeded = SeededGenerator(seed: seed, stream: stream) }
    }

    public var source: NoiseSource { seeded == nil ? .secure : .seeded }

    /// A draw from N(0, deviation²).
    public mutating func gaussian(deviation: Double) -> Double {
        // Optional chaining mutates the generator in place (no copy of its state per draw).
        if let standard = seeded?.nextGaussian() { return standard * deviation }
        return secure.hardenedGaussian(deviation: deviation)
    }

    /// Uniform in [0, 1) with 53 random bits: a Poisson sampler's coin.
    public mutating func unitDouble() -> Double {
        if let coin = seeded?.nextUnitDouble() { return coin }
        return secure.nextUnitDouble()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        seeded = container.decodeNil() ? nil : try container.decode(SeededGenerator.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let seeded { try container.encode(seeded) } else { try container.encodeNil() }
    }
}
