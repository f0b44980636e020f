/// Poisson subsampling for DP-SGD: each step includes every row independently with
/// probability `rate`, so batch sizes vary (and can be zero). This is the sampling the RDP
/// analysis of the sampled Gaussian mechanism assumes (Mironov, Talwar & Zhang 2019);
/// shuffled fixed-size batches would need a different accountant. That analysis also assumes
/// the batches are secret, so by default the coins come from the secure generator (`NoiseSource`).
///
/// Codable for the site's checkpoint: a seeded sampler resumes its stream exactly (and reads
/// the state files of earlier versions, which were all seeded); a secure one resumes with
/// fresh secure coins.
public struct PoissonSampler: Sendable, Codable {
    public let rowCount: Int
    public let rate: Double
    private var generator: DPNoise

    public init(rowCount: Int, rate: Double, seed: UInt64, source: NoiseSource = .secure) {
        precondition(rowCount > 0, "cannot sample from an empty dataset")
        precondition(rate > 0 && rate <= 1, "sampling rate must be in (0, 1]")
        self.rowCount = rowCount
        self.rate = rate
        generator = DPNoise(source, seed: seed, stream: 0x9015)
    }

    public var source: NoiseSource { generator.source }

    /// The batch size a step has on average: what DP-SGD divides the noisy sum by.
    public var expectedBatchSize: Double { rate * Double(rowCount) }

    public mutating func nextBatch() -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(Int(expectedBatchSize * 1.5) + 4)
        for row in 0..<rowCount where generator.unitDouble() < rate { rows.append(row) }
        return rows
    }
}
