/// `steps` releases of the Sampled Gaussian Mechanism: each step includes every record
/// independently with probability `sampleRate` (Poisson sampling), sums their contributions
/// clipped to L2 norm C, and adds N(0, (noiseMultiplier · C)²) noise.
///
/// This is what DP-SGD spends per training run (Abadi et al. 2016, "Deep Learning with
/// Differential Privacy": q = lot size / records, one step per lot) and what DP-FedAvg spends
/// per study (McMahan et al. 2018: q = sampled sites / sites, one step per round). The
/// accountant's guarantee assumes Poisson sampling; fixed-size shuffled batches are a
/// different mechanism, whose RDP this does not compute.
public struct SampledGaussianMechanism: Sendable, Hashable, Codable {
    /// q in (0, 1]; 1 means every record in every step (the plain Gaussian mechanism).
    public let sampleRate: Double
    /// σ > 0: the noise standard deviation in units of the clipping norm (sensitivity).
    public let noiseMultiplier: Double
    /// T ≥ 1 compositions of the mechanism.
    public let steps: Int

    public init(sampleRate: Double, noiseMultiplier: Double, steps: Int) throws(PrivacyAccountingError) {
        guard sampleRate > 0, sampleRate <= 1 else { throw .invalidSampleRate(sampleRate) }
        guard noiseMultiplier > 0, noiseMultiplier.isFinite else { throw .invalidNoiseMultiplier(noiseMultiplier) }
        guard steps >= 1 else { throw .invalidSteps(steps) }
        self.sampleRate = sampleRate
        self.noiseMultiplier = noiseMultiplier
        self.steps = steps
    }

    private enum CodingKeys: String, CodingKey {
        case sampleRate, noiseMultiplier, steps
    }

    /// Decoding validates like `init`, so a hand-edited file cannot smuggle in σ = 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            sampleRate: container.decode(Double.self, forKey: .sampleRate),
            noiseMultiplier: container.decode(Double.self, forKey: .noiseMultiplier),
            steps: container.decode(Int.self, forKey: .steps))
    }

    /// RDP of all `steps` at each order: per-step RDP times T, since RDP composes additively
    /// (Mironov 2017, "Rényi Differential Privacy", composition).
    public func renyiDivergences(
        at orders: RenyiOrders,
        series: FractionalOrderSeries = .absoluteCoefficients
    ) -> [Double] {
        let steps = Double(steps)
        return orders.values.map { order in
            steps
                * SampledGaussianRDP.perStep(
                    sampleRate: sampleRate, noiseMultiplier: noiseMultiplier,
                    order: order, series: series)
        }
    }
}
