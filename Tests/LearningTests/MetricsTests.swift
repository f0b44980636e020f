import Foundation
import Testing

@testable import Learning

/// AUROC, accuracy, log-loss and confusion counts against scikit-learn.
@Suite struct MetricsTests {
    static let file = Result { try Fixtures.load("metrics", as: MetricsFile.self) }

    @Test func aurocMatchesScikitLearnIncludingTies() throws {
        let file = try Self.file.get()
        #expect(file.auroc.count >= 5)
        for c in file.auroc {
            let value = try #require(areaUnderROC(scores: c.scores.map(Float.init), labels: c.labels), "\(c.name): nil")
            #expect(abs(value - c.auroc) <= 1e-12, "\(c.name): \(value) vs scikit-learn \(c.auroc)")
        }
    }

    @Test func aurocIsNilWhenAClassIsAbsent() {
        #expect(areaUnderROC(scores: [0.1, 0.7, 0.4], labels: [true, true, true]) == nil)
        #expect(areaUnderROC(scores: [0.1, 0.7, 0.4], labels: [false, false, false]) == nil)
        #expect(areaUnderROC(scores: [], labels: []) == nil)
    }

    @Test func aurocDependsOnlyOnTheOrderOfScores() throws {
        var generator = SeededGenerator(seed: 51)
        let scores = (0..<60).map { _ in Float(generator.nextInt(below: 12)) / 12 }  // many ties
        let labels = (0..<60).map { _ in generator.nextUnitFloat() < 0.4 }
        let value = try #require(areaUnderROC(scores: scores, labels: labels))
        // A strictly increasing map keeps it; swapping the classes gives 1 - AUROC.
        let squashed = try #require(areaUnderROC(scores: scores.map { $0 * $0 * 3 - 1 }, labels: labels))
        let swapped = try #require(areaUnderROC(scores: scores, labels: labels.map { !$0 }))
        #expect(abs(value - squashed) < 1e-12)
        #expect(abs(value + swapped - 1) < 1e-12)
    }

    @Test func evaluationMatchesScikitLearn() throws {
        let file = try Self.file.get()
        #expect(Set(file.evaluation.map(\.name)) == ["binary", "multiclass"])
        for c in file.evaluation {
            let metrics = EvaluationMetrics(logits: c.logits.map(Float.init), labels: c.labels.map(Float.init), task: c.task.task)
            #expect(metrics.count == c.labels.count)
            #expect(abs(metrics.accuracy - c.accuracy) < 1e-12, "\(c.name) accuracy \(metrics.accuracy) vs \(c.accuracy)")
            let auroc = try #require(metrics.auroc, "\(c.name): AUROC nil")
            #expect(abs(auroc - c.auroc) < 1e-12, "\(c.name) AUROC \(auroc) vs \(c.auroc)")
            // Float logits, Double arithmetic: log-loss agrees far beyond the display precision.
            expectClose(metrics.logLoss, c.logLoss, relative: 1e-6, "\(c.name) log-loss")
            #expect(metrics.confusion.truePositives == c.confusion.truePositives, "\(c.name) TP")
            #expect(metrics.confusion.falsePositives == c.confusion.falsePositives, "\(c.name) FP")
            #expect(metrics.confusion.trueNegatives == c.confusion.trueNegatives, "\(c.name) TN")
            #expect(metrics.confusion.falseNegatives == c.confusion.falseNegatives, "\(c.name) FN")
        }
    }

    @Test func binaryDecisionAtExactlyOneHalfIsNegative() {
        // FLamby's rule is probability > 0.5: a logit of exactly 0 predicts class 0.
        let metrics = EvaluationMetrics(logits: [0, 0], labels: [0, 1], task: .binary)
        #expect(metrics.accuracy == 0.5)
        #expect(metrics.confusion.trueNegatives == 1 && metrics.confusion.falseNegatives == 1)
        #expect(metrics.auroc == 0.5)
        #expect(abs(metrics.logLoss - log(2.0)) < 1e-12)
    }

    @Test func singleClassSetHasNoAUROC() {
        let metrics = EvaluationMetrics(logits: [2, -1, 0.5], labels: [1, 1, 1], task: .binary)
        #expect(metrics.auroc == nil)
        #expect(abs(metrics.accuracy - 2.0 / 3.0) < 1e-12)
        let empty = EvaluationMetrics(logits: [], labels: [], task: .multiclass(classes: 3))
        #expect(empty.count == 0 && empty.accuracy == 0 && empty.logLoss == 0 && empty.auroc == nil)
    }

    @Test func confusionCountsRecordEachOutcome() {
        var counts = ConfusionCounts()
        #expect(counts.accuracy == 0 && counts.sensitivity == nil && counts.specificity == nil)
        let outcomes: [(predicted: Bool, actual: Bool)] = [
            (true, true), (true, true), (true, false),
            (false, false), (false, true), (false, false), (false, false)
        ]
        for outcome in outcomes { counts.record(predictedPositive: outcome.predicted, actuallyPositive: outcome.actual) }
        #expect(counts.truePositives == 2 && counts.falsePositives == 1)
        #expect(counts.trueNegatives == 3 && counts.falseNegatives == 1)
        #expect(counts.total == 7)
        #expect(abs(counts.accuracy - 5.0 / 7.0) < 1e-12)
        #expect(counts.sensitivity == 2.0 / 3.0)
        #expect(counts.specificity == 3.0 / 4.0)
    }
}
