import Federation
import Foundation
import Testing

@testable import Validation

/// The formulas on small inputs whose answers are known in closed form or from the papers.
@Suite struct MetricFormulaTests {
    /// A histogram of the given logits and labels on the default grid.
    static func histogram(_ logits: [Float], _ labels: [Float]) throws -> ScoreHistogram {
        try ScoreHistogram(logits: logits, labels: labels, rows: labels.indices, binCount: ValidationStatistics.defaultBinCount)
    }

    @Test func delongMatchesTheHandComputation() throws {
        // Positives at probabilities 0.3 and 0.5, negatives at 0.1 and 0.4: placements 1/2, 1
        // and 1, 1/2; AUROC 3/4; S10 = S01 = 1/8; Var = 1/16 + 1/16 = 1/8.
        let logit = { (p: Double) in Float(log(p / (1 - p))) }
        let histogram = try Self.histogram([logit(0.3), logit(0.5), logit(0.1), logit(0.4)], [1, 1, 0, 0])
        let roc = try BinnedROC(histogram)
        #expect(roc.auroc == 0.75)
        #expect(abs(roc.variance - 0.125) < 1e-15)
        let interval = try roc.interval()
        #expect(abs(interval.ciLow - (0.75 - Confidence.z95 * 0.125.squareRoot())) < 1e-15)
        #expect(interval.ciHigh == 1)
    }

    @Test func tiesInOneBinCountOneHalf() throws {
        // One positive and one negative in the same bin: AUROC 1/2, tie bound 1/2.
        let roc = try BinnedROC(try Self.histogram([0.1, 0.1], [1, 0]))
        #expect(roc.auroc == 0.5)
        #expect(roc.tieBound == 0.5)
    }

    @Test func wilsonIntervalOfEightInTen() throws {
        // statsmodels 0.15 proportion_confint(8, 10, method="wilson").
        let interval = try Proportion.wilson(8, of: 10)
        #expect(abs(interval.ciLow - 0.49016247153664183) < 1e-12)
        #expect(abs(interval.ciHigh - 0.9433178485456247) < 1e-12)
    }

    @Test func newcombeHybridScoreOfTheWorkedExample() throws {
        // Newcombe (1998), Table II, 56/70 - 48/80, method 10: 0.0524 to 0.3339; to full
        // precision, statsmodels 0.15 confint_proportions_2indep(method="newcomb").
        let interval = try Proportion.difference((56, 70), (48, 80))
        #expect(abs(interval.estimate - 0.2) < 1e-12)
        #expect(abs(interval.ciLow - 0.05243147240236498) < 1e-12)
        #expect(abs(interval.ciHigh - 0.33387265403690614) < 1e-12)
    }

    @Test func recalibrationRecoversAKnownSlope() throws {
        // At logits -1, 0, 1 the event rates are exactly 1/4, 1/2, 3/4 = sigmoid(log(3) * x):
        // the maximum-likelihood slope is log 3 and the intercept 0.
        let logits: [Float] = [-1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1]
        let labels: [Float] = [1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0]
        let fit = try LogisticRecalibration(try Self.histogram(logits, labels))
        #expect(abs(fit.slope.estimate - log(3)) < 1e-10)
        #expect(abs(fit.intercept.estimate) < 1e-10)
        // Symmetric data whose predicted risks sum to the events: calibration-in-the-large 0.
        let inTheLarge = try LogisticRecalibration.calibrationInTheLarge(try Self.histogram(logits, labels))
        #expect(abs(inTheLarge.estimate) < 1e-10)
    }

    @Test func perfectSeparationIsNotEstimable() throws {
        let histogram = try Self.histogram([-3, -2, 2, 3], [0, 0, 1, 1])
        #expect(throws: NotEstimable.self) { try LogisticRecalibration(histogram) }
        // The AUROC is 1, with no variance to speak of: the interval collapses to 1.
        #expect(try BinnedROC(histogram).auroc == 1)
    }

    @Test func netBenefitFollowsVickersAndElkin() throws {
        // 2 of 4 patients positive; at threshold 0.25 the model treats the three scored >= 0.25:
        // TP 2, FP 1: 2/4 - 1/4 * (0.25 / 0.75) = 0.41666...; treat all: 0.5 - 0.5 / 3.
        let logit = { (p: Double) in Float(log(p / (1 - p))) }
        let histogram = try Self.histogram([logit(0.9), logit(0.6), logit(0.3), logit(0.1)], [1, 1, 0, 0])
        let point = try #require(DecisionCurve(histogram).points.first { $0.threshold == 0.25 })
        #expect(abs(point.netBenefit - (0.5 - 0.25 / 3)) < 1e-15)
        #expect(abs(point.treatAll - (0.5 - 0.5 / 3)) < 1e-15)
        #expect(point.treatNone == 0)
    }

    @Test func histogramsAddBinByBin() throws {
        let a = try Self.histogram([-1, 0, 2], [0, 1, 1])
        let b = try Self.histogram([0, 3], [0, 1])
        let sum = a + b
        let whole = try Self.histogram([-1, 0, 2, 0, 3], [0, 1, 1, 0, 1])
        #expect(sum == whole)
        #expect(sum.count == 5)
    }

    @Test func malformedHistogramsAreRefused() {
        let unsorted = [ScoreHistogram.Cell(bin: 5, negatives: 1), ScoreHistogram.Cell(bin: 2, positives: 1)]
        #expect(throws: ValidationStatisticsError.self) { try ScoreHistogram(binCount: 10, cells: unsorted) }
        #expect(throws: ValidationStatisticsError.self) { try ScoreHistogram(binCount: 10, cells: [.init(bin: 10, negatives: 1)]) }
        #expect(throws: ValidationStatisticsError.self) {
            try ScoreHistogram(binCount: 10, cells: [.init(bin: 1, negatives: 1, negativeLogitSum: .nan)])
        }
    }
}
