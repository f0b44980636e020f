import Learning

/// Row indices of a train/test split, each list in ascending (file) order.
///
/// Ascending order matters for parity: FLamby uses sklearn's split only to decide membership
/// and then walks each split in file order, so training that iterates "the train set" sees the
/// rows in the same order in Cohort as in FLamby.
public struct TrainTestSplit: Hashable, Sendable {
    public var train: [Int]
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// Split sizes exactly as scikit-learn computes them for fractional sizes
    /// (`model_selection._split._validate_shuffle_split`): test = ceil(testFraction * n),
    /// train = floor(trainFraction * n). When the two floors/ceilings leave a row over,
    /// sklearn leaves it out of both sets, and so do we.
    public static func sizes(count: Int, trainFraction: Double, testFraction: Double) -> (train: Int, test: Int) {
        let test = Int((testFraction * Double(count)).rounded(.up))
        let train = Int((trainFraction * Double(count)).rounded(.down))
        precondition(train + test <= count, "train and test fractions exceed the data")
        return (train, test)
    }

    /// A random split, stratified by label when every class has more than `minimumPerClass`
    /// rows (FLamby's rule, with 2), otherwise a plain shuffle.
    ///
    /// Stratification allocates each class's share of both sets as sklearn's
    /// StratifiedShuffleSplit does (largest remainders, ties broken at random), so class
    /// proportions match to within one row; the random draws themselves are Cohort's own and do
    /// not reproduce sklearn's indices (use the shipped FLamby split for that).
    /// `testFraction` defaults to `1 - trainFraction` computed in Double, as FLamby writes it.
    public static func shuffled(
        labels: [Float],
        trainFraction: Double,
        testFraction: Double? = nil,
        minimumPerClass: Int = 2,
        using generator: inout SeededGenerator
    ) -> TrainTestSplit {
        let (trainCount, testCount) = sizes(
            count: labels.count, trainFraction: trainFraction,
            testFraction: testFraction ?? (1.0 - trainFraction))
        var members = [Float: [Int]]()
        for (row, label) in labels.enumerated() { members[label, default: []].append(row) }
        let classes = members.keys.sorted()
        let stratify = classes.count > 1 && classes.allSatisfy { members[$0]!.count > minimumPerClass }

        var train = [Int]()
        var test = [Int]()
        if stratify {
            let counts = classes.map { members[$0]!.count }
            let trainShares = apportion(trainCount, over: counts, using: &generator)
            let remaining = zip(counts, trainShares).map { $0 - $1 }
            let testShares = apportion(testCount, over: remaining, using: &generator)
            for (k, label) in classes.enumerated() {
                let rows = members[label]!
                let order = generator.permutation(rows.count)
                train += order[0..<trainShares[k]].map { rows[$0] }
                test += order[trainShares[k]..<(trainShares[k] + testShares[k])].map { rows[$0] }
            }
        } else {
            let order = generator.permutation(labels.count)
            test = Array(order[0..<testCount])
            train = Array(order[testCount..<(testCount + trainCount)])
        }
        return TrainTestSplit(train: train.sorted(), test: test.sorted())
    }

    /// Splits `total` draws over classes in proportion to `counts`: everyone gets the floor of
    /// their exact share, and the draws left over go to the largest fractional parts, ties broken
    /// at random (sklearn's `_approximate_mode`).
    static func apportion(_ total: Int, over counts: [Int], using generator: inout SeededGenerator) -> [Int] {
        let sum = counts.reduce(0, +)
        guard sum > 0 else { return counts.map { _ in 0 } }
        let exact = counts.map { Double(total) * Double($0) / Double(sum) }
        var shares = exact.map { Int($0.rounded(.down)) }
        var leftover = total - shares.reduce(0, +)
        let remainders = zip(exact, shares).map { $0 - Double($1) }
        for remainder in Set(remainders).sorted(by: >) where leftover > 0 {
            let tied = remainders.indices.filter { remainders[$0] == remainder }
            let chosen = generator.permutation(tied.count).prefix(leftover).map { tied[$0] }
            for k in chosen { shares[k] += 1 }
            leftover -= chosen.count
        }
        return shares
    }
}
