import Datasets
import Federation
import Foundation
import Learning
import Testing

@testable import Validation

/// The federated pooled metrics, computed from the sum of the sites' histograms only, equal
/// the same metrics computed on the pooled test rows themselves.
@Suite struct PooledValidationTests {
    @Test func pooledHistogramIsTheHistogramOfThePooledRows() async throws {
        let fixture = try HeartDiseaseFixture()
        let sites = try await fixture.siteStatistics()
        let pooled = try ValidationStatistics.pooled(sites.map(\.statistics))
        let rows = fixture.pooledRows
        let direct = try ScoreHistogram(
            logits: rows.logits, labels: rows.labels, rows: rows.labels.indices,
            binCount: ValidationStatistics.defaultBinCount)
        #expect(pooled.all.count == 254)
        #expect(pooled.all.cells.map(\.bin) == direct.cells.map(\.bin))
        #expect(pooled.all.cells.map(\.positives) == direct.cells.map(\.positives))
        #expect(pooled.all.cells.map(\.negatives) == direct.cells.map(\.negatives))
        for (a, b) in zip(pooled.all.cells, direct.cells) {
            // Only the order of the additions differs.
            #expect(abs(a.probabilitySum - b.probabilitySum) < 1e-12)
            #expect(abs(a.positiveLogitSum - b.positiveLogitSum) < 1e-12)
            #expect(abs(a.negativeLogitSum - b.negativeLogitSum) < 1e-12)
        }
    }

    @Test func pooledAUROCEqualsTheRowAUROCToTheBinResolution() async throws {
        let fixture = try HeartDiseaseFixture()
        let pooled = try ValidationStatistics.pooled(try await fixture.siteStatistics().map(\.statistics))
        let rows = fixture.pooledRows
        let roc = try BinnedROC(pooled.all)
        // Exact Mann-Whitney AUROC of the unrounded scores (the logits order the rows as the
        // probabilities do).
        let exact = try #require(areaUnderROC(scores: rows.logits, labels: rows.labels.map { $0 == 1 }))
        #expect(abs(roc.auroc - exact) <= roc.tieBound + 1e-12)
        #expect(roc.tieBound < 0.002)
        #expect(roc.auroc > 0.8)
    }

    @Test func pooledCalibrationEqualsTheRowFitToTheBinResolution() async throws {
        let fixture = try HeartDiseaseFixture()
        let pooled = try ValidationStatistics.pooled(try await fixture.siteStatistics().map(\.statistics))
        let rows = fixture.pooledRows
        let x = rows.logits.map(Double.init), y = rows.labels.map(Double.init)
        let binned = try LogisticRecalibration(pooled.all)
        let exact = RowLogisticFit(x: x, y: y)
        // Each row's logit stands in at its (bin, class) cell's mean: with bins 0.001 wide the
        // fits agree far inside their standard errors (about 0.1 for the slope here).
        #expect(abs(binned.slope.estimate - exact.slope) < 1e-3)
        #expect(abs(binned.intercept.estimate - exact.intercept) < 1e-3)
        let inTheLarge = try LogisticRecalibration.calibrationInTheLarge(pooled.all)
        #expect(abs(inTheLarge.estimate - RowLogisticFit.offsetIntercept(x: x, y: y)) < 1e-3)
        // Observed over expected uses the exact sum of predicted risks.
        let expected = x.reduce(0.0) { $0 + 1 / (1 + exp(-$1)) }
        let metrics = GroupMetrics(pooled.all, settings: try ValidationSettings())
        #expect(abs(try metrics.observedExpectedRatio.get() - y.reduce(0, +) / expected) < 1e-12)
    }

    @Test func pooledNetBenefitEqualsTheRowNetBenefit() async throws {
        let fixture = try HeartDiseaseFixture()
        let pooled = try ValidationStatistics.pooled(try await fixture.siteStatistics().map(\.statistics))
        let rows = fixture.pooledRows
        let probabilities = rows.logits.map { 1 / (1 + exp(-Double($0))) }
        let n = Double(rows.labels.count)
        for point in DecisionCurve(pooled.all).points {
            var tp = 0.0, fp = 0.0
            for (p, label) in zip(probabilities, rows.labels) where p >= point.threshold {
                if label == 1 { tp += 1 } else { fp += 1 }
            }
            let expected = tp / n - fp / n * point.threshold / (1 - point.threshold)
            #expect(abs(point.netBenefit - expected) < 1e-12, "threshold \(point.threshold)")
        }
    }

    @Test func sitesGroupBySexAndAgeBandAtTheSite() async throws {
        let fixture = try HeartDiseaseFixture()
        let sites = try await fixture.siteStatistics()
        for site in sites {
            #expect(site.statistics.attributes == [.sex, .ageBand])
            let bySex = site.statistics.groups.filter { $0.group.attribute == .sex }.map(\.histogram.count).reduce(0, +)
            #expect(bySex == site.statistics.all.count)
        }
        let pooled = try ValidationStatistics.pooled(sites.map(\.statistics))
        let bands = pooled.groups.filter { $0.group.attribute == .ageBand }.map(\.group.value)
        #expect(Set(bands).isSubset(of: Set(AgeBands.labels)))
    }
}

/// Logistic regression of y on x by Newton's method on the rows themselves: the pooled-row
/// computation the binned fit is compared with.
struct RowLogisticFit {
    var intercept = 0.0
    var slope = 1.0

    init(x: [Double], y: [Double]) {
        for _ in 0..<100 {
            var g0 = 0.0, g1 = 0.0, i00 = 0.0, i01 = 0.0, i11 = 0.0
            for (xi, yi) in zip(x, y) {
                let p = 1 / (1 + exp(-(intercept + slope * xi)))
                g0 += yi - p
                g1 += (yi - p) * xi
                i00 += p * (1 - p)
                i01 += p * (1 - p) * xi
                i11 += p * (1 - p) * xi * xi
            }
            let det = i00 * i11 - i01 * i01
            intercept += (i11 * g0 - i01 * g1) / det
            slope += (i00 * g1 - i01 * g0) / det
        }
    }

    static func offsetIntercept(x: [Double], y: [Double]) -> Double {
        var a = 0.0
        for _ in 0..<100 {
            var g = 0.0, h = 0.0
            for (xi, yi) in zip(x, y) {
                let p = 1 / (1 + exp(-(a + xi)))
                g += yi - p
                h += p * (1 - p)
            }
            a += g / h
        }
        return a
    }
}
