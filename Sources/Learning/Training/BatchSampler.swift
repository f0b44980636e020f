/// Draws mini-batches by walking a seeded permutation of the rows, reshuffling at each
/// epoch and remembering its place between calls, so local training resumes mid-epoch in
/// the next round (FLamby's "data loader with memory"). The last batch of an epoch may be
/// smaller, as with PyTorch's default `drop_last=False`.
///
/// Its whole state is a few integers, so it is `Codable` and a site can persist it.
public struct BatchSampler: Hashable, Sendable, Codable {
    public let rowCount: Int
    public let batchSize: Int
    public let seed: UInt64
    public private(set) var epoch = 0
    public private(set) var position = 0
    private var order: [Int]

    public init(rowCount: Int, batchSize: Int, seed: UInt64) {
        precondition(rowCount > 0, "cannot sample batches from an empty dataset")
        precondition(batchSize > 0, "batch size must be positive")
        self.rowCount = rowCount
        self.batchSize = batchSize
        self.seed = seed
        order = BatchSampler.order(rowCount: rowCount, seed: seed, epoch: 0)
    }

    private static func order(rowCount: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: seed, stream: 0xBA7C_0000 &+ UInt64(epoch))
        return generator.permutation(rowCount)
    }

    /// The rows of the next batch.
    public mutating func nextBatch() -> ArraySlice<Int> {
        if position >= rowCount {
            epoch += 1
            position = 0
            order = BatchSampler.order(rowCount: rowCount, seed: seed, epoch: epoch)
        }
        let end = min(position + batchSize, rowCount)
        defer { position = end }
        return order[position..<end]
    }
}
