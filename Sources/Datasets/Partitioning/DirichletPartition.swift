import Federation
import Learning

/// Label-skewed (non-IID) division of one data set among sites.
///
/// For every class, the share of its examples that each site receives is drawn from a
/// symmetric Dirichlet(alpha): Hsu, Qi & Brown (2019), "Measuring the effects of
/// non-identical data distribution for federated visual classification", arXiv:1909.06335;
/// Yurochkin et al. (2019), "Bayesian nonparametric federated learning of neural networks",
/// ICML. Large alpha approaches an IID split; small alpha gives each site few classes, the
/// regime where FedAvg degrades and personalization pays off.
///
/// A draw that leaves a site with fewer than `minimumPerSite` examples is redrawn (as
/// NIID-Bench, Li et al. 2022, does with a minimum of 10), because a site with a handful of
/// rows cannot take a training step of a normal batch size. Every draw comes from
/// `SeededGenerator(seed:)`, so one seed always yields the same partition.
public struct DirichletPartition: Sendable, Hashable {
    public var siteCount: Int
    /// The Dirichlet concentration alpha (> 0).
    public var alpha: Double
    public var seed: UInt64
    public var minimumPerSite: Int
    /// Draws to try before giving up on `minimumPerSite`.
    public var maximumAttempts: Int

    /// `try DirichletPartition(siteCount: 4, alpha: 0.5, seed: 42)`; settings no draw can use are refused.
    public init(siteCount: Int, alpha: Double, seed: UInt64, minimumPerSite: Int = 10, maximumAttempts: Int = 1000) throws(PartitionError) {
        guard siteCount > 0 else { throw .invalidSetting(key: "site count", reason: "must be at least 1, got \(siteCount)") }
        guard alpha > 0, alpha.isFinite else { throw .invalidSetting(key: "alpha", reason: "must be a positive number, got \(alpha)") }
        guard minimumPerSite >= 0 else { throw .invalidSetting(key: "minimum per site", reason: "must not be negative, got \(minimumPerSite)") }
        guard maximumAttempts > 0 else { throw .invalidSetting(key: "attempts", reason: "must be at least 1, got \(maximumAttempts)") }
        self.siteCount = siteCount
        self.alpha = alpha
        self.seed = seed
        self.minimumPerSite = minimumPerSite
        self.maximumAttempts = maximumAttempts
    }

    /// Row indices of each site, ascending. Every row goes to exactly one site.
    public func assignments(labels: [Float]) throws -> [[Int]] {
        try draw(labels: labels).assign(labels)
    }

    /// Each site's share of `data`.
    public func split(_ data: Dataset) throws -> [Dataset] {
        try assignments(labels: data.labels).map { data.subset($0) }
    }

    /// Sites named "site-0", "site-1", ...: the train set is split as `split` does (with the
    /// minimum enforced on it), and the test set with the same per-class proportions, so each
    /// site is evaluated on data distributed like its own.
    public func sites(train: Dataset, test: Dataset) throws -> [SiteData] {
        let proportions = try draw(labels: train.labels)
        let trainRows = proportions.assign(train.labels)
        let testRows = proportions.assign(test.labels)
        return (0..<siteCount).map {
            SiteData(name: "site-\($0)", train: train.subset(trainRows[$0]), test: test.subset(testRows[$0]))
        }
    }

    /// Draws per-class proportions until the resulting split of `labels` meets the minimum.
    private func draw(labels: [Float]) throws -> ClassProportions {
        guard labels.count >= siteCount * minimumPerSite else {
            throw PartitionError.tooFewExamples(rows: labels.count, sites: siteCount, minimumPerSite: minimumPerSite)
        }
        var generator = SeededGenerator(seed: seed)
        let classes = Set(labels).sorted()
        for _ in 0..<maximumAttempts {
            var proportions = ClassProportions(seed: generator.next())
            for label in classes {
                proportions.shares[label] = generator.nextDirichlet(concentration: alpha, count: siteCount)
            }
            if proportions.assign(labels).allSatisfy({ $0.count >= minimumPerSite }) { return proportions }
        }
        throw PartitionError.minimumNotReached(
            sites: siteCount, alpha: alpha, minimumPerSite: minimumPerSite,
            attempts: maximumAttempts)
    }
}

/// One draw of per-class site shares, applicable to any labelled rows.
private struct ClassProportions {
    /// For each class, the fraction of its rows each site gets (sums to 1).
    var shares: [Float: [Double]] = [:]
    /// Seeds the shuffle that decides which rows of a class go where.
    let seed: UInt64

    /// Shuffles each class's rows and cuts them at the cumulative shares (rounded down, the
    /// remainder going to the last site), so the counts follow the shares to within one row.
    func assign(_ labels: [Float]) -> [[Int]] {
        let siteCount = shares.values.first?.count ?? 1
        var members = [Float: [Int]]()
        for (row, label) in labels.enumerated() { members[label, default: []].append(row) }
        var generator = SeededGenerator(seed: seed)
        var sites = [[Int]](repeating: [], count: siteCount)
        for label in members.keys.sorted() {
            let rows = members[label]!
            let order = generator.permutation(rows.count)
            // A class absent from the draw (only in a test set) is spread evenly.
            let share = shares[label] ?? [Double](repeating: 1 / Double(siteCount), count: siteCount)
            var start = 0
            var cumulative = 0.0
            for site in 0..<siteCount {
                cumulative += share[site]
                let end = site == siteCount - 1 ? rows.count : min(rows.count, Int(cumulative * Double(rows.count)))
                sites[site] += order[start..<max(start, end)].map { rows[$0] }
                start = max(start, end)
            }
        }
        return sites.map { $0.sorted() }
    }
}
