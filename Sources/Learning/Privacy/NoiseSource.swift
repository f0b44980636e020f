/// Where the randomness behind a differential-privacy guarantee comes from: the Gaussian noise
/// of DP-SGD and DP-FedAvg, and DP-SGD's Poisson sampling.
///
/// A privacy guarantee holds only if the noise is secret. The study seed is not: the
/// coordinator chooses it and sends it to every site, so noise drawn from it can be
/// regenerated and subtracted by anyone holding the configuration.
public enum NoiseSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// The default everywhere: noise and sampling come from the operating system's
    /// cryptographically secure generator (`SecureRandomGenerator`), and the Gaussian is the
    /// floating-point-hardened one (`DPNoise`). Two runs never draw the same noise.
    case secure
    /// Noise and sampling come from `SeededGenerator` streams of the study seed, so a run is
    /// reproduced bit for bit. NOT private: for simulations and tests only.
    case seeded
}
