/// Poisson subsampling for DP-SGD: each step includes every row independently with
/// probability `rate`, so batch sizes vary (and can be zero). This is the sampling the RDP
/// analysis of the sampled Gaussian mechanism assumes (Mironov, Talwar & Zhang 2019);
/// shuffled fixed-size batches would need a different accountant.
public struct PoissonSampler: Hashable, Sendable, Codable {
    public let rowCount: Int
    public let rate: Double
    private var generator: SeededGenerator

    public init(rowCount: Int, rate: Double, seed: UInt64) {
        precondition(rowCount > 0, "cannot sample from an empty dataset")
        precondition(rate > 0 && rate <= 1, "sampling rate must be in (0, 1]")
        self.rowCount = rowCount
        self.rate = rate
        generator = SeededGenerator(seed: seed, stream: 0x9015)
    }

    /// The batch size a step has on average: what DP-SGD divides the noisy sum by.
    public var expectedBatchSize: Double { rate * Double(rowCount) }

    public mutating func nextBatch() -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(Int(expectedBatchSize * 1.5) + 4)
        for row in 0..<rowCount where generator.nextUnitDouble() < rate { rows.append(row) }
        return rows
    }
}
