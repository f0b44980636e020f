import Learning

/// A reproducible train/test split of one site's rows: the same seed and rows give the same
/// split on every machine.
///
/// Stratified by label (each class contributes its share to train and test), because a
/// site's test set with no positive case cannot score AUROC; rows are shuffled within each
/// class with `SeededGenerator` (stream = the site name's hash, so sites draw independently),
/// and each split is returned in file order.
public struct StratifiedSplit: Hashable, Sendable {
    public var train: [Int]
    public var test: [Int]

    public init(labels: [Float], trainFraction: Double, seed: UInt64, stream: UInt64 = 0) {
        precondition(trainFraction > 0 && trainFraction < 1, "the train fraction must be in (0, 1)")
        var generator = SeededGenerator(seed: seed, stream: stream)
        var train = [Int]()
        var test = [Int]()
        for label in Set(labels).sorted() {
            let rows = labels.indices.filter { labels[$0] == label }
            let order = generator.permutation(rows.count)
            let trainCount = Int((trainFraction * Double(rows.count)).rounded())
            train += order.prefix(trainCount).map { rows[$0] }
            test += order.dropFirst(trainCount).map { rows[$0] }
        }
        self.train = train.sorted()
        self.test = test.sorted()
    }

    /// FNV-1a of the site name: a stream that is the same in every process.
    public static func stream(forSite name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
