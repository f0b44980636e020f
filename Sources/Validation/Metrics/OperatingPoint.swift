import Federation

/// Sensitivity, specificity, PPV and NPV when every patient scored at or above a threshold is
/// treated as positive, each with Wilson's 95 % interval.
///
/// Thresholds sit on the histogram's bin edges (with 1,000 bins: multiples of 0.001), where
/// "score ≥ threshold" is "bin ≥ threshold × bins", so the counts are exact, not interpolated.
public struct OperatingPoint: Hashable, Sendable {
    public var threshold: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(_ histogram: ScoreHistogram, threshold: Double) {
        self.threshold = threshold
        let edge = Self.edge(of: threshold, binCount: histogram.binCount)
        var tp = 0, fp = 0, tn = 0, fn = 0
        for cell in histogram.cells {
            if cell.bin >= edge {
                tp += cell.positives
                fp += cell.negatives
            } else {
                fn += cell.positives
                tn += cell.negatives
            }
        }
        truePositives = tp
        falsePositives = fp
        trueNegatives = tn
        falseNegatives = fn
    }

    /// The first bin counted positive at `threshold`.
    public static func edge(of threshold: Double, binCount: Int) -> Int {
        Int((threshold * Double(binCount)).rounded())
    }

    /// Whether `threshold` lies on the grid of `binCount` bins (within rounding of its decimal).
    public static func isOnGrid(_ threshold: Double, binCount: Int) -> Bool {
        let scaled = threshold * Double(binCount)
        return abs(scaled - scaled.rounded()) < 1e-6
    }

    public var sensitivity: Result<Interval, NotEstimable> {
        Result { () throws(NotEstimable) in try Proportion.wilson(truePositives, of: truePositives + falseNegatives) }
            .mapError { _ in NotEstimable("not defined: no positive patient") }
    }

    public var specificity: Result<Interval, NotEstimable> {
        Result { () throws(NotEstimable) in try Proportion.wilson(trueNegatives, of: trueNegatives + falsePositives) }
            .mapError { _ in NotEstimable("not defined: no negative patient") }
    }

    public var positivePredictiveValue: Result<Interval, NotEstimable> {
        Result { () throws(NotEstimable) in try Proportion.wilson(truePositives, of: truePositives + falsePositives) }
            .mapError { _ in NotEstimable("not defined: no patient is scored at or above the threshold") }
    }

    public var negativePredictiveValue: Result<Interval, NotEstimable> {
        Result { () throws(NotEstimable) in try Proportion.wilson(trueNegatives, of: trueNegatives + falseNegatives) }
            .mapError { _ in NotEstimable("not defined: no patient is scored below the threshold") }
    }
}
