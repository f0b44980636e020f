import Federation
import Learning

/// Division of one data set among sites uniformly at random, in near-equal parts.
///
/// The control condition for non-IID experiments: with the same model and rounds, the gap
/// between this and a `DirichletPartition` is the cost of label skew. Sizes differ by at
/// most one row; the seed fixes which rows go where.
public struct IIDPartition: Sendable, Hashable {
    public var siteCount: Int
    public var seed: UInt64

    /// `try IIDPartition(siteCount: 4, seed: 42)`.
    public init(siteCount: Int, seed: UInt64) throws(PartitionError) {
        guard siteCount > 0 else { throw .invalidSetting(key: "site count", reason: "must be at least 1, got \(siteCount)") }
        self.siteCount = siteCount
        self.seed = seed
    }

    /// Row indices of each site, ascending. Every row of `0..<count` goes to exactly one site.
    public func assignments(count: Int) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(count)
        return (0..<siteCount).map { site in
            let start = site * count / siteCount
            let end = (site + 1) * count / siteCount
            return order[start..<end].sorted()
        }
    }

    /// Each site's share of `data`.
    public func split(_ data: Dataset) -> [Dataset] {
        assignments(count: data.count).map { data.subset($0) }
    }

    /// Sites named "site-0", "site-1", ..., each with a random share of `train` and of `test`.
    public func sites(train: Dataset, test: Dataset) -> [SiteData] {
        let trainRows = assignments(count: train.count)
        var testPartition = self
        testPartition.seed = seed &+ 1
        let testRows = testPartition.assignments(count: test.count)
        return (0..<siteCount).map {
            SiteData(name: "site-\($0)", train: train.subset(trainRows[$0]), test: test.subset(testRows[$0]))
        }
    }
}
