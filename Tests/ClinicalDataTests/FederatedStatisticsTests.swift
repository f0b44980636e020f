import Foundation
import Learning
import Testing

@testable import ClinicalData

struct FederatedStatisticsTests {
    @Test func shiftedSumsAreAdditiveAndNumericallySound() {
        // Values near 1e9 with spread 1: the naive sum-of-squares formula loses every digit.
        let values = (0..<1000).map { 1e9 + Double($0 % 7) * 0.5 }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        let halves = MomentSums(shift: 1e9, values: values[..<400]) + MomentSums(shift: 1e9, values: values[400...])
        #expect(halves.count == 1000)
        #expect(close(halves.mean!, mean, relative: 1e-15))
        #expect(close(halves.variance!, variance, relative: 1e-12))
        let naive = MomentSums(shift: 0, values: values)
        #expect(!close(naive.variance!, variance, relative: 1e-3))
    }

    @Test func histogramQuantilesAreWithinOneBin() {
        var histogram = FixedBinHistogram(range: PlausibleRange(0, 100), bins: 50)
        let values = (0..<1001).map { Double($0) * 0.0997 }  // 0 ... 99.8
        for value in values { histogram.add(value) }
        #expect(histogram.total == 1001)
        let median = values.sorted()[500]
        #expect(abs(histogram.quantile(0.5)! - median) <= histogram.binWidth)
        var outside = FixedBinHistogram(range: PlausibleRange(0, 10), bins: 10)
        outside.add(-1)
        outside.add(11)
        outside.add(5)
        #expect(outside.below == 1 && outside.above == 1 && outside.counts[5] == 1)
    }

    /// Site summaries summed equal the summary of the pooled rows in every count and sum, and
    /// the derived standardization equals the statistics of the pooled, encoded data (four
    /// significant digits); 0/1 columns are left as they are.
    @Test func combiningSitesEqualsPooling() throws {
        let study = try TestData.heart()
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let parts = try SiteSplitter(grouping: .file, siteCount: nil).split(cohort)
        #expect(parts.map(\.cohort.rows.count) == [303, 261, 46, 130])
        let summaries = parts.map { SiteSummary(cohort: $0.cohort, site: $0.name) }
        let federated = try FederatedStatistics(study: study, summaries: summaries)
        let pooled = SiteSummary(cohort: cohort, site: "pooled", rule: nil)
        for (combined, reference) in zip(federated.summary.features, pooled.features) {
            #expect(combined.rows == reference.rows && combined.present == reference.present)
            #expect(combined.categoryCounts == reference.categoryCounts)
            #expect(combined.moments.count == reference.moments.count, "\(combined.name): every site has 11 or more values")
            #expect(close(combined.moments.sum, reference.moments.sum, relative: 1e-12) || abs(combined.moments.sum - reference.moments.sum) < 1e-9)
            if let histogram = combined.histogram, let exact = reference.histogram {
                #expect(abs(histogram.total - exact.total) < 1e-9)
                // Coarsening moves the median by at most a few bins.
                #expect(abs(histogram.binMidpointQuantile(0.5)! - exact.binMidpointQuantile(0.5)!) <= 3 * exact.binWidth, "\(combined.name)")
            }
        }
        let encoded = CohortEncoder(study: study).encode(cohort.rows, imputation: federated.imputationValues)
        let direct = FeatureStatistics(of: encoded)
        for (column, kind) in federated.layout.columns.enumerated() {
            let name = federated.layout.names[column]
            if FederatedStatistics.isZeroOne(kind, study.features[kind.feature]) {
                #expect(federated.standardization.mean[column] == 0 && federated.standardization.standardDeviation[column] == 1, "\(name)")
            } else {
                #expect(abs(federated.standardization.mean[column] - direct.mean[column]) <= 5e-4 * max(1, abs(direct.mean[column])), "\(name)")
                #expect(
                    abs(federated.standardization.standardDeviation[column] - direct.standardDeviation[column]) <= 5e-4
                        * max(1, direct.standardDeviation[column]), "\(name)")
            }
        }
        #expect(federated.layout.names.contains("sex=male") && federated.layout.names.contains("fbs"))
    }

    /// A site with fewer than 11 values of a feature sends neither their sums nor their bins;
    /// when no site has 11, the federation says so, fills with the middle of the plausible range
    /// and only centres the column (never divides by a zero standard deviation).
    @Test func featuresNoSiteHasElevenValuesOfAreReportedAndNotScaled() throws {
        let study = try TestData.cardiovascular()
        let cohort = try Harmonizer(study: study).run(.fhir(TestData.fixture("fhir")))
        let parts = try SiteSplitter(grouping: .city, siteCount: nil).split(cohort)
        let federated = try FederatedStatistics(study: study, summaries: parts.map { SiteSummary(cohort: $0.cohort, site: $0.name) })
        #expect(federated.summary.features.allSatisfy { $0.moments.count == 0 })
        #expect(federated.uninformed.contains("age") && federated.uninformed.contains("glucose"))
        #expect(federated.standardization.standardDeviation.allSatisfy { $0 > 0 && $0.isFinite })
        let glucose = try #require(study.features.firstIndex { $0.name == "glucose" })
        #expect(federated.imputationValues[glucose] == study.features[glucose].plausible!.center)
        let column = try #require(federated.layout.columns.firstIndex(of: .value(feature: glucose)))
        #expect(federated.standardization.mean[column] == 310 && federated.standardization.standardDeviation[column] == 1)
    }

    @Test func imputationUsesTheFederationsMedianAndMode() throws {
        let study = try StudySchema.load(contentsOf: TestData.fixture("csv/harmonize-study.yaml"))
        let mapping = try CSVMapping.load(contentsOf: TestData.fixture("csv/site-b.mapping.yaml"))
        let cohort = try Harmonizer(study: study).run(.mappedCSV([TestData.fixture("csv/site-b.csv")], mapping: mapping))
        let statistics = try FederatedStatistics(local: cohort, site: "site-b")
        let names = study.features.map(\.name)
        let imputation = Dictionary(uniqueKeysWithValues: zip(names, statistics.imputation))
        // Weights 68.04, 81.65 (180 lb), 90.72 kg: the median from 100 bins over [1, 300] is
        // within one bin (2.99 kg) of the exact 81.65.
        let weight = try #require(imputation["weight"] ?? nil)
        #expect(abs(weight - 180 * 0.45359237) <= 2.99)
        #expect(imputation["sex"] == 1)  // male 2 (p2, p3), female 1 (p1)
        #expect(imputation["diabetes"]! == nil)  // presence features are never missing
        // Layout: indicator columns after each feature that can be missing (age opted out).
        #expect(statistics.layout.names.contains("weight_missing") && !statistics.layout.names.contains("age_missing"))
        let dataset = CohortEncoder(study: study).encode(cohort.rows, imputation: statistics.imputationValues)
        let width = dataset.featureCount
        let weightColumn = statistics.layout.names.firstIndex(of: "weight")!
        let indicator = statistics.layout.names.firstIndex(of: "weight_missing")!
        #expect(dataset.features[2 * width + weightColumn] == Float(weight))  // p3 had no weight
        #expect(dataset.features[2 * width + indicator] == 1)
        #expect(dataset.features[0 * width + indicator] == 0)
    }

    @Test func summariesOfDifferentStudiesAreRefused() throws {
        let heart = try Harmonizer(study: try TestData.heart()).run(
            .mappedCSV(Array(TestData.heartFiles.prefix(1)), mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let fhir = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.fixture("fhir")))
        #expect(throws: ClinicalDataError.self) {
            try FederatedStatistics(study: try TestData.heart(), summaries: [SiteSummary(cohort: heart, site: "a"), SiteSummary(cohort: fhir, site: "b")])
        }
        #expect(throws: ClinicalDataError.self) {
            try FederatedStatistics(study: try TestData.heart(), summaries: [SiteSummary(cohort: heart, site: "a"), SiteSummary(cohort: heart, site: "a")])
        }
    }

    @Test func summariesRoundTripThroughSnakeCaseJSON() throws {
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.fixture("fhir")))
        let summary = SiteSummary(cohort: cohort, site: "fixture")
        try TestData.withScratchDirectory { folder in
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let url = folder.appendingPathComponent("summary.json")
            try encoder.encode(summary).write(to: url)
            #expect(try SiteSummary.load(from: url) == summary)
            #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self).contains("\"study_hash\""))
        }
    }
}

struct SecureAggregationVectorTests {
    /// Summing the sites' vectors (what secure aggregation reveals) rebuilds the combined summary.
    @Test func summedVectorsEqualTheCombinedSummary() throws {
        let study = try TestData.heart()
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let summaries = try SiteSplitter(grouping: .file, siteCount: nil).split(cohort).map { SiteSummary(cohort: $0.cohort, site: $0.name) }
        let lengths = Set(summaries.map(\.vector.count))
        #expect(lengths.count == 1)
        var sum = [Double](repeating: 0, count: lengths.first!)
        for summary in summaries { for (index, value) in summary.vector.enumerated() { sum[index] += value } }
        let rebuilt = try SiteSummary(summing: sum, like: summaries[0], sites: summaries.map { $0.sites[0] })
        let combined = try SiteSummary.combining(summaries)
        #expect(rebuilt.rows == combined.rows && rebuilt.labelPositive == combined.labelPositive)
        for (a, b) in zip(rebuilt.features, combined.features) {
            #expect(a.rows == b.rows && a.present == b.present && a.categoryCounts == b.categoryCounts)
            if let left = a.histogram, let right = b.histogram {
                #expect(zip(left.weights, right.weights).allSatisfy { abs($0 - $1) < 1e-9 })
            }
            #expect(close(a.moments.sum, b.moments.sum, relative: 1e-12) && close(a.moments.sumOfSquares, b.moments.sumOfSquares, relative: 1e-12))
        }
        let fromVector = try FederatedStatistics(study: study, summaries: [rebuilt])
        let fromSummaries = try FederatedStatistics(study: study, summaries: summaries)
        #expect(fromVector.standardization.mean == fromSummaries.standardization.mean)
        #expect(throws: ClinicalDataError.self) { try SiteSummary(summing: [1, 2, 3], like: summaries[0], sites: ["x"]) }
    }
}
