import Foundation
import Learning
import Testing

@testable import ClinicalData

/// The leaks issue 19 lists, one test each: a cohort built to hold the leak, published, and
/// attacked with `ExhaustiveAttacker` (or the arithmetic the issue describes).
struct DisclosureLeakTests {
    private static let age = 50.0
    private static let never = 0.0

    /// 0.14 x 71 = 10: the mean of a 0/1 feature published with its count gave the count.
    @Test func theMeanOfABinaryFeatureDoesNotGiveItsCount() {
        var scenario = ReportScenario()
        scenario.add(10, .kept(label: 1), values: [Self.age, 100, 1, Self.never])
        scenario.add(20, .kept(label: 1), values: [Self.age, 110, 0, Self.never])
        scenario.add(41, .kept(label: 0), values: [Self.age, 120, 0, Self.never])
        scenario.add(29, .excluded(.youngerThan(18)), values: [])
        expectSafe(scenario, cap: 110)
    }

    /// kept also appears in the label and every never-missing feature's present count, so a
    /// hidden exclusion was recovered by subtraction (95 kept, 5 died, 100 read).
    @Test func keptIsProtectedAcrossLinkedTables() {
        var scenario = ReportScenario()
        scenario.add(40, .kept(label: 1), values: [Self.age, 100, 1, Self.never])
        scenario.add(55, .kept(label: 0), values: [Self.age, 120, 0, 1])
        scenario.add(5, .excluded(.diedBeforeIndex), values: [])
        expectSafe(scenario, cap: 110)
    }

    /// A mean printed over 11 present values proved present >= 11, which pinned a hidden
    /// missing count of 1 among 12.
    @Test func aPublishedMeanDoesNotPinAHiddenMissingCount() {
        var scenario = ReportScenario()
        scenario.add(6, .kept(label: 1), values: [Self.age, 100, 0, Self.never])
        scenario.add(5, .kept(label: 0), values: [Self.age, 130, 0, Self.never])
        scenario.add(1, .kept(label: 0), values: [Self.age, .nan, 0, Self.never])
        expectSafe(scenario, cap: 40)
    }

    /// Two hidden exclusions in one table summed to a published difference (died + born
    /// after index = 8).
    @Test func hiddenCellsDoNotSumToAPublishedDifference() {
        var scenario = ReportScenario()
        scenario.add(30, .kept(label: 1), values: [Self.age, 100, 0, Self.never])
        scenario.add(50, .kept(label: 0), values: [Self.age, 130, 1, Self.never])
        scenario.add(5, .excluded(.diedBeforeIndex), values: [])
        scenario.add(3, .excluded(.bornAfterIndex), values: [])
        scenario.add(12, .excluded(.youngerThan(18)), values: [])
        expectSafe(scenario, cap: 110)
    }

    /// A cell hidden only to protect its neighbour was printed "<11" although it held 61
    /// (glucose missing 61 of 71): every "<11" must be a count from 1 to 10.
    @Test func secondarySuppressionIsNotPrintedAsLessThanEleven() {
        var scenario = ReportScenario()
        scenario.add(10, .kept(label: 1), values: [Self.age, 100, 0, Self.never])
        scenario.add(30, .kept(label: 1), values: [Self.age, .nan, 0, Self.never])
        scenario.add(31, .kept(label: 0), values: [Self.age, .nan, 1, Self.never])
        scenario.add(22, .excluded(.youngerThan(18)), values: [])
        let report = scenario.report
        for (cell, text) in printedCounts(report) where text == "<11" {
            let truth = trueCounts(report)[cell]
            #expect(truth.map { (1...10).contains($0) } == true, "\(cell) is printed <11 but is \(truth.map(String.init) ?? "?")")
        }
        expectSafe(scenario, cap: 110)
    }

    /// With an odd count the median was one patient's exact value.
    @Test func theMedianIsNeverAPatientsValue() throws {
        var scenario = ReportScenario()
        let values = (0..<13).map { 100.0 + 2 * Double($0) }  // median 112: patient 7's value
        for value in values { scenario.add(.kept(label: value > 110 ? 1 : 0), values: [Self.age, value, 0, Self.never]) }
        let median = try #require(publishedMedian(scenario.report, feature: "glucose"))
        #expect(!values.contains(median), "the published median \(median) is a patient's value")
    }

    /// A site's prepared header carried the federation's mean and standard deviation of every
    /// 0/1 column, from which it recovered another site's small counts.
    @Test func thePreparedHeaderDoesNotGiveAnotherSitesCounts() throws {
        let study = try TestData.heart()
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let big = cohort.restricted(rows: Array(cohort.rows.prefix(300)), excluded: [])
        let small = cohort.restricted(rows: Array(cohort.rows.suffix(7)), excluded: [])
        let statistics = try FederatedStatistics(study: study, summaries: [SiteSummary(cohort: big, site: "big"), SiteSummary(cohort: small, site: "small")])
        let header = try #require(PreparedDataset(cohort: big, site: "big", statistics: statistics).statistics)
        let own = CohortEncoder(study: study).encode(big.rows, imputation: statistics.imputationValues)
        let theirs = CohortEncoder(study: study).encode(small.rows, imputation: statistics.imputationValues)
        for column in 0..<own.featureCount {
            let ownValues = (0..<own.count).map { own.features[$0 * own.featureCount + column] }
            guard ownValues.allSatisfy({ $0 == 0 || $0 == 1 }) else { continue }
            // A 0/1 column's mean p and unbiased sd s give N = s^2 / (s^2 - p(1 - p)) and the ones p N.
            let p = Double(header.mean[column])
            let s2 = Double(header.standardDeviation[column]) * Double(header.standardDeviation[column])
            let total = s2 / (s2 - p * (1 - p))
            guard total.isFinite, total > Double(own.count) else { continue }
            let recovered = (p * total).rounded() - Double(ownValues.filter { $0 == 1 }.count)
            let truth = (0..<theirs.count).filter { theirs.features[$0 * theirs.featureCount + column] == 1 }.count
            #expect(recovered != Double(truth) || truth == 0, "column \(column): the other site's count \(truth) follows from the header")
        }
    }

    /// `cohort data summarize` wrote exact minima, maxima and fine histograms for a
    /// 3-patient site.
    @Test func smallSitesSummariesHoldNoPatientsValue() throws {
        let study = try TestData.cardiovascular()
        let cohort = try Harmonizer(study: study).run(.fhir(TestData.fixture("fhir")))
        for site in try SiteSplitter(grouping: .city, siteCount: nil).split(cohort) {
            let summary = SiteSummary(cohort: site.cohort, site: site.name)
            #expect(summary.rows <= 3)
            let json = String(decoding: try JSONEncoder.snakeCase.encode(summary), as: UTF8.self)
            #expect(!json.contains("minimum") && !json.contains("maximum"), "an extreme is one patient's value")
            for feature in summary.features {
                #expect(feature.moments.count == 0 || feature.moments.count >= 11, "\(site.name) \(feature.name): sums over \(feature.moments.count) values")
                if let histogram = feature.histogram {
                    // Fewer than 11 values: no weight in any bin.
                    #expect(histogram.total == 0, "\(site.name) \(feature.name): \(histogram.total) values binned")
                }
            }
        }
    }

    // MARK: Helpers

    private func expectSafe(_ scenario: ReportScenario, cap: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let figures = publishedFigures(scenario.report)
        let result = ExhaustiveAttacker(figures, cap: cap).attack()
        #expect(result.consistent, "no cohort matches the published figures: the report contradicts itself", sourceLocation: sourceLocation)
        #expect(result.leaks.isEmpty, "determined: \(result.leaks)", sourceLocation: sourceLocation)
    }
}
