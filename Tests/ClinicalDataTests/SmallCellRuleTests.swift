import Foundation
import Testing
@testable import ClinicalData

struct SmallCellRuleTests {
    private let rule = SmallCellRule()

    @Test func countsOneToTenAreShownAsLessThanEleven() {
        #expect(rule.apply(0) == .exact(0))
        for count in 1...10 { #expect(rule.apply(count).description == "<11") }
        #expect(rule.apply(11) == .exact(11))
        #expect(rule.apply(12_345).description == "12345")
    }

    @Test func oneHiddenCellInAPublishedTotalHidesAnotherOne() {
        // 95 kept + 5 excluded = 100 read: hiding 5 alone would leave it as 100 - 95.
        #expect(rule.suppress(group: [95, 5]).map(\.description) == ["<11", "<11"])
        // The smallest other non-zero cell is the complement.
        #expect(rule.suppress(group: [60, 3, 25, 12, 0]).map(\.description) == ["60", "<11", "25", "<11", "0"])
        // Two hidden cells already protect each other.
        #expect(rule.suppress(group: [80, 4, 6]).map(\.description) == ["80", "<11", "<11"])
        #expect(rule.suppress(group: [50, 40]).map(\.description) == ["50", "40"])
    }

    @Test func fractionsAndStatisticsOverFewPatientsAreWithheld() {
        #expect(rule.fraction(3, of: 100) == nil)
        #expect(rule.fraction(97, of: 100) == nil)   // the rest, 3, would show
        #expect(rule.fraction(50, of: 100) == 0.5)
        #expect(rule.statistic(5.5, over: 10) == nil)
        #expect(rule.statistic(5.5, over: 11) == 5.5)
    }

    @Test func encodesAsNumberOrString() throws {
        let data = try JSONEncoder().encode([SuppressedCount.exact(12), .suppressed(below: 11), .exact(0)])
        #expect(String(decoding: data, as: UTF8.self) == #"[12,"<11",0]"#)
        #expect(try JSONDecoder().decode([SuppressedCount].self, from: data) == [.exact(12), .suppressed(below: 11), .exact(0)])
    }

    /// Every count in the shared report is either 0, at least 11, or "<11".
    @Test func sharedReportAndHTMLLeakNoSmallCount() throws {
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.fixture("fhir")))
        let local = cohort.report
        #expect(local.patients.kept == 3)
        let shared = SharedQualityReport(local)
        var counts: [SuppressedCount] = [shared.filesRead, shared.filesFailed, shared.patients.read, shared.patients.kept, shared.errorCount,
                                         shared.label.positive, shared.label.negative]
        counts += shared.patients.excluded.map(\.count) + shared.errorsByKind.map(\.count)
        for feature in shared.features {
            counts += [feature.present, feature.missing, feature.outOfRange] + feature.convertedFrom.map(\.count) + feature.rejectedUnits.map(\.count)
            counts += feature.categories?.map(\.count) ?? []
            #expect(feature.mean == nil && feature.median == nil, "\(feature.name): a statistic over 3 patients")
        }
        for count in counts {
            if let value = count.value { #expect(value == 0 || value >= 11, "\(count)") }
        }
        #expect(shared.label.prevalence == nil)
        let json = String(decoding: try JSONEncoder().encode(shared), as: UTF8.self)
        #expect(!json.contains("Tom_Goodwin") && !json.contains("Observation/"))
        let html = HTMLQualityReport(shared, site: "fixture").render()
        #expect(html.contains("&lt;11"))
        #expect(!html.contains("Tom_Goodwin") && !html.contains("Observation/"))
        // Self-contained: no scripts, no linked stylesheets, images or fonts.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=") && !html.contains("href=") && !html.contains("url("))
        #expect(html.contains("<svg") && html.contains("@media print"))
    }

    @Test func largeCountsArePublished() throws {
        let cohort = try Harmonizer(study: try TestData.heart()).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let shared = SharedQualityReport(cohort.report)
        #expect(shared.patients.read == .exact(920))
        #expect(shared.patients.kept == .exact(740))
        #expect(shared.label.positive == .exact(383))
        #expect(shared.label.prevalence == cohort.report.label.prevalence)
        // 1 missing restecg among 741 eligible: hidden, and so is the next smallest cell of the group.
        let exclusions = Dictionary(uniqueKeysWithValues: shared.patients.excluded.map { ($0.name, $0.count) })
        #expect(exclusions["missing restecg (complete-case study)"] == .suppressed(below: 11))
        #expect(exclusions["missing oldpeak (complete-case study)"] == .suppressed(below: 11))
        #expect(exclusions["missing fbs (complete-case study)"] == .exact(89))
        let age = try #require(shared.features.first { $0.name == "age" })
        #expect(age.mean != nil && age.median != nil)
    }
}
