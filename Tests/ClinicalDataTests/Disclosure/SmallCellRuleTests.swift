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

    /// 95 kept + 5 excluded = 100 read: hiding 5 alone would leave it as 100 - 95, so a
    /// second cell is withheld, and marked as such (it is not below 11).
    @Test func aHiddenCellInAPrintedTotalGetsAWithheldComplement() {
        var tables = LinkedTables()
        let read = tables.cell("read", 100)
        let kept = tables.cell("kept", 95)
        let died = tables.cell("died", 5)
        tables.table(total: read, parts: [kept, died])
        let result = rule.protect(tables)
        #expect(result.counts.map(\.description) == ["100", "withheld", "<11"])
        #expect(
            DisclosureAudit(tables: tables, threshold: 11).leaks(
                result.counts.map { $0 == .withheld ? .withheld : ($0.isHidden ? .small : .exact) }, statements: result.statements
            ).isEmpty)
    }

    /// Two hidden cells of one table protect each other only if their sum is not printed in
    /// effect: 80 = 12 + 5 + 3 + 60 with 5 and 3 hidden gives 5 + 3 = 8.
    @Test func hiddenCellsWhoseSumIsKnownGetAComplement() {
        var tables = LinkedTables()
        let total = tables.cell("total", 80)
        let parts = [12, 5, 3, 60].enumerated().map { tables.cell("part \($0.offset)", $0.element) }
        tables.table(total: total, parts: parts)
        let result = rule.protect(tables)
        #expect(result.counts.map(\.description) == ["80", "withheld", "<11", "<11", "60"])
    }

    /// A withheld cell is 11 or more, which the attacker knows: 12 kept = positive + negative
    /// with negative withheld would pin positive to 1, so kept is withheld instead (then
    /// positive is 1 to 10 with kept 12 to 21).
    @Test func theAuditKnowsWithheldMeansElevenOrMore() {
        var tables = LinkedTables()
        let kept = tables.cell("kept", 12)
        let positive = tables.cell("positive", 1)
        let negative = tables.cell("negative", 11)
        tables.table(total: kept, parts: [positive, negative])
        let audit = DisclosureAudit(tables: tables, threshold: 11)
        #expect(!audit.leaks([.exact, .small, .withheld], statements: []).isEmpty)
        #expect(audit.leaks([.withheld, .small, .withheld], statements: []).isEmpty)
        #expect(rule.protect(tables).counts.map(\.description) == ["withheld", "<11", "11"])
    }

    @Test func encodesAsNumberOrString() throws {
        let data = try JSONEncoder().encode([PublishedCount.exact(12), .small(below: 11), .withheld, .exact(0)])
        #expect(String(decoding: data, as: UTF8.self) == #"[12,"<11","withheld",0]"#)
        #expect(try JSONDecoder().decode([PublishedCount].self, from: data) == [.exact(12), .small(below: 11), .withheld, .exact(0)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PublishedCount].self, from: Data(#"["few"]"#.utf8)) }
    }

    /// Every count in the published report is 0, at least 11, "<11" or "withheld"; no record
    /// list, no names, no statistics over 3 patients.
    @Test func publishedReportAndHTMLLeakNoSmallCount() throws {
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.fixture("fhir")))
        let local = cohort.report
        #expect(local.patients.kept == 3)
        let published = PublishedQualityReport(local)
        var counts: [PublishedCount] = [
            published.filesRead, published.filesFailed, published.patients.read, published.patients.kept,
            published.errorCount, published.label.positive, published.label.negative
        ]
        counts += published.patients.excluded.map(\.count) + published.errorsByKind.map(\.count)
        for feature in published.features {
            counts += [feature.present, feature.missing, feature.outOfRange] + feature.convertedFrom.map(\.count) + feature.rejectedUnits.map(\.count)
            counts += (feature.categories ?? []).map(\.count) + (feature.values ?? []).map(\.count)
            #expect(feature.mean == nil && feature.median == nil, "\(feature.name): a statistic over 3 patients")
        }
        for count in counts {
            if let value = count.value { #expect(value == 0 || value >= 11, "\(count)") }
        }
        #expect(published.label.prevalence == nil)
        let json = String(decoding: try JSONEncoder().encode(published), as: UTF8.self)
        #expect(!json.contains("Tom_Goodwin") && !json.contains("Observation/"))
        let html = HTMLQualityReport(published, site: "fixture").render()
        #expect(html.contains("&lt;11"))
        #expect(!html.contains("Tom_Goodwin") && !html.contains("Observation/"))
        // Self-contained: no scripts, no linked stylesheets, images or fonts.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=") && !html.contains("href=") && !html.contains("url("))
        #expect(html.contains("<svg") && html.contains("@media print"))
    }

    @Test func largeCountsArePublished() throws {
        let cohort = try Harmonizer(study: try TestData.heart()).run(
            .mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let published = PublishedQualityReport(cohort.report)
        #expect(published.patients.read == .exact(920))
        #expect(published.label.positive == .exact(383))
        // 1 missing restecg (and 1 trestbps, 4 oldpeak) among 741 eligible: hidden, with a
        // complement withheld so that no subtraction recovers them.
        let exclusions = Dictionary(uniqueKeysWithValues: published.patients.excluded.map { ($0.name, $0.count) })
        #expect(exclusions["missing restecg (complete-case study)"] == .small(below: 11))
        #expect(exclusions.values.contains(.withheld))
        let age = try #require(published.features.first { $0.name == "age" })
        #expect(age.mean != nil && age.median != nil)
        let leaks = ExhaustiveAttacker(publishedFigures(cohort.report), cap: 1000).attack()
        #expect(leaks.consistent && leaks.leaks.isEmpty, "\(leaks.leaks)")
    }

    /// The two-state view for readers without "withheld" states a true bound, never "<11".
    @Test func theTwoStateViewNeverCallsAWithheldCellSmall() throws {
        let cohort = try Harmonizer(study: try TestData.heart()).run(
            .mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let published = PublishedQualityReport(cohort.report)
        let legacy = try JSONDecoder.snakeCase.decode(SharedQualityReport.self, from: JSONEncoder.snakeCase.encode(published))
        for (new, old) in zip(published.patients.excluded, legacy.patients.excluded) {
            switch new.count {
            case .withheld: #expect(old.count == .suppressed(below: 921))
            case .small: #expect(old.count == .suppressed(below: 11))
            case .exact(let value): #expect(old.count == .exact(value))
            }
        }
    }
}

extension JSONEncoder {
    static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
