import Federation

/// The ROC curve and the area under it, with DeLong's variance, from a score histogram.
///
/// Scores are the bins: two rows in the same bin are tied, and a tie between a positive and a
/// negative counts one half, exactly as the Mann-Whitney form of the AUROC counts ties. So the
/// area equals the AUROC of the rows with their probabilities rounded down to the bin grid
/// (scikit-learn's `roc_auc_score` on the bin indices gives the same number); it differs from
/// the AUROC of the unrounded rows by at most half the share of positive-negative pairs that
/// share a bin (`tieBound`).
///
/// Variance: DeLong, DeLong & Clarke-Pearson, "Comparing the areas under two or more
/// correlated receiver operating characteristic curves: a nonparametric approach",
/// Biometrics 44:837-845 (1988). Each positive's placement value is the share of negatives
/// scored below it (ties one half), each negative's the share of positives scored above it;
/// the AUROC is the mean placement, and
/// `Var = S10 / m + S01 / n`, with `S10`, `S01` the sample variances of the m positives' and
/// n negatives' placements. Rows in one bin share a placement, so both variances are sums
/// over bins. The interval is `AUROC ± 1.96 sqrt(Var)`, clipped to [0, 1] (as pROC's
/// `ci.auc(method = "delong")`).
public struct BinnedROC: Hashable, Sendable {
    /// One point of the curve: classifying every row at or above a bin edge as positive.
    public struct Point: Hashable, Sendable, Codable {
        public var threshold: Double
        public var falsePositiveRate: Double
        public var truePositiveRate: Double
    }

    public var auroc: Double
    public var variance: Double
    public var positives: Int
    public var negatives: Int
    /// Half the share of positive-negative pairs tied in one bin: the most the binned AUROC
    /// can differ from the AUROC of the same rows' unrounded scores.
    public var tieBound: Double

    public init(_ histogram: ScoreHistogram) throws(NotEstimable) {
        let m = histogram.positives, n = histogram.negatives
        guard m > 0, n > 0 else {
            throw NotEstimable("not defined: the test set holds only \(m == 0 ? "negatives" : "positives") (one class)")
        }
        let mm = Double(m), nn = Double(n)
        var negativesBelow = 0.0
        var positivesAbove = mm
        var placements: [(positive: Double, negative: Double, cell: ScoreHistogram.Cell)] = []
        placements.reserveCapacity(histogram.cells.count)
        var tiedPairs = 0.0
        for cell in histogram.cells {
            let p = Double(cell.positives), q = Double(cell.negatives)
            positivesAbove -= p
            placements.append(((negativesBelow + q / 2) / nn, (positivesAbove + p / 2) / mm, cell))
            negativesBelow += q
            tiedPairs += p * q
        }
        var area = 0.0
        for item in placements { area += Double(item.cell.positives) * item.positive }
        area /= mm
        var s10 = 0.0, s01 = 0.0
        for item in placements {
            s10 += Double(item.cell.positives) * (item.positive - area) * (item.positive - area)
            s01 += Double(item.cell.negatives) * (item.negative - area) * (item.negative - area)
        }
        // With a single positive (or negative) its sample variance is undefined: nan, below.
        s10 = m > 1 ? s10 / (mm - 1) : .nan
        s01 = n > 1 ? s01 / (nn - 1) : .nan
        auroc = area
        variance = s10 / mm + s01 / nn
        positives = m
        negatives = n
        tieBound = tiedPairs / (2 * mm * nn)
    }

    /// The AUROC with DeLong's 95 % interval.
    public func interval() throws(NotEstimable) -> Interval {
        guard positives > 1, negatives > 1 else {
            throw NotEstimable("no interval: DeLong's variance needs at least two patients of each class")
        }
        let result = Interval(estimate: auroc, standardError: variance.squareRoot(), within: 0...1)
        guard result.isFinite else { throw NotEstimable("no interval: the variance is not a finite number") }
        return result
    }

    /// The curve through every bin edge where the classification changes, from (0, 0) to (1, 1).
    public static func curve(_ histogram: ScoreHistogram) -> [Point] {
        let m = Double(histogram.positives), n = Double(histogram.negatives)
        guard m > 0, n > 0 else { return [] }
        var points = [Point(threshold: 1, falsePositiveRate: 0, truePositiveRate: 0)]
        var truePositives = 0.0, falsePositives = 0.0
        for cell in histogram.cells.reversed() {
            truePositives += Double(cell.positives)
            falsePositives += Double(cell.negatives)
            points.append(
                Point(
                    threshold: Double(cell.bin) / Double(histogram.binCount),
                    falsePositiveRate: falsePositives / n, truePositiveRate: truePositives / m))
        }
        return points
    }
}
