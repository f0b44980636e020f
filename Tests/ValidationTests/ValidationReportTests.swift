import Federation
import Foundation
import Testing

@testable import Validation

/// The report on the four hospitals, and on bad input: never NaN as a number, a clear
/// statement or error instead.
@Suite struct ValidationReportTests {
    static func report(
        thresholds: [Double]? = nil, subgroups: [PatientAttribute]? = nil,
        sites: [ValidationInputs.Site]
    ) throws -> ValidationReport {
        let settings = try ValidationSettings(thresholds: thresholds, subgroups: subgroups)
        return try ValidationReport(
            ValidationInputs(
                card: HeartDiseaseFixture.card(sites: sites.map(\.name)), settings: settings,
                sites: sites, leaveOneSiteOut: .unavailable("not run in this test")))
    }

    static func text(_ report: ValidationReport) throws -> (json: String, html: String) {
        (String(decoding: try ValidationReportJSON.document(report).encoded(), as: UTF8.self), ValidationHTML.render(report))
    }

    /// Any spelling of a non-number that could reach a reader, as a word of its own.
    static func expectNoNonNumbers(_ text: String) {
        let words = Set(text.split { !$0.isLetter }.map { $0.lowercased() })
        #expect(words.isDisjoint(with: ["nan", "inf", "infinity"]), "a non-number printed in the report")
    }

    @Test func heartDiseaseReportHasSitesPooledAndGroupsWithIntervals() async throws {
        let sites = try await HeartDiseaseFixture().siteStatistics()
        let report = try Self.report(thresholds: [0.3, 0.5], sites: sites)
        let (json, html) = try Self.text(report)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let pooled = try #require(document["pooled"] as? [String: Any])
        let auroc = try #require(pooled["auroc"] as? [String: Double])
        #expect(auroc["ci_low"]! < auroc["estimate"]! && auroc["estimate"]! < auroc["ci_high"]!)
        #expect(pooled["size"] as? Int == 254)
        #expect(pooled["calibration_slope"] is [String: Double])
        #expect(pooled["calibration_intercept"] is [String: Double])
        let siteEntries = try #require(document["sites"] as? [[String: Any]])
        #expect(siteEntries.map { $0["site"] as? String } == ["cleveland", "hungarian", "switzerland", "va"])
        let groups = try #require(pooled["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["attribute"] as? String }) == ["sex", "age_band"])
        for group in groups where group["too_small"] as? Bool == false {
            #expect(group["auroc"] is [String: Double] || (group["not_estimable"] as? [String: String])?["auroc"] != nil)
        }
        #expect(html.contains("<svg"))
        #expect(html.contains("Forest plot of AUROC"))
        Self.expectNoNonNumbers(json)
        Self.expectNoNonNumbers(html)
    }

    @Test func groupsUnderElevenAreTooSmallWithoutANumber() async throws {
        let sites = try await HeartDiseaseFixture().siteStatistics()
        let report = try Self.report(sites: sites)
        // Switzerland has 16 test patients: at most one sex group can reach 11.
        let switzerland = try #require(report.sites.first { $0.name == "switzerland" })
        let small = switzerland.groups.filter { $0.outcome == .tooSmall }
        #expect(!small.isEmpty)
        #expect(small.allSatisfy { $0.shownSize == nil })
        let (json, _) = try Self.text(report)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let swiss = try #require((document["sites"] as? [[String: Any]])?.first { $0["site"] as? String == "switzerland" })
        for group in try #require(swiss["groups"] as? [[String: Any]]) where group["too_small"] as? Bool == true {
            #expect(group["size"] is NSNull)
            #expect(group["auroc"] == nil)
        }
    }

    @Test func aSubgroupTheDataLacksIsStatedNotShown() async throws {
        let sites = try await HeartDiseaseFixture().siteStatistics()
        let report = try Self.report(subgroups: [.sex, .race], sites: sites)
        #expect(report.attributes == [.sex])
        #expect(report.statements.contains { $0.hasPrefix("race: no site's data records race") })
        #expect(ValidationHTML.render(report).contains("no site&#39;s data records race"))
    }

    @Test func thresholdsOutsideZeroToOneAreRefused() {
        for bad in [0, 1, 1.5, -0.2, Double.nan] {
            #expect(throws: ValidationSettingsError.self) { try ValidationSettings(thresholds: [bad]) }
        }
        #expect(throws: ValidationSettingsError.self) { try ValidationSettings(thresholds: [0.12345]) }
        do {
            _ = try ValidationSettings(thresholds: [1.5])
            Issue.record("threshold 1.5 was accepted")
        } catch {
            #expect(error.message.contains("outside (0, 1)"))
        }
    }

    @Test func aTestSetWithOneClassIsStatedNotPrintedAsNaN() throws {
        // A site whose test patients all have the outcome.
        let statistics = try ValidationStatistics(logits: [0.2, 1.5, -0.3, 2.0, 0.9], labels: [1, 1, 1, 1, 1], attributes: nil)
        let report = try Self.report(sites: [ValidationInputs.Site(name: "onlypositives", statistics: statistics)])
        guard case .failure(let reason) = report.pooled.overall.auroc else {
            Issue.record("an AUROC was reported for one class")
            return
        }
        #expect(reason.reason.contains("one class"))
        let (json, html) = try Self.text(report)
        Self.expectNoNonNumbers(json)
        Self.expectNoNonNumbers(html)
        #expect(html.contains("one class"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let pooled = try #require(document["pooled"] as? [String: Any])
        #expect(pooled["auroc"] is NSNull)
        #expect(pooled["calibration_slope"] is NSNull)
        #expect(((pooled["not_estimable"] as? [String: String])?["auroc"])?.contains("one class") == true)
    }

    @Test func theSameInputsGiveTheSameBytes() async throws {
        let first = try Self.text(try Self.report(sites: try await HeartDiseaseFixture().siteStatistics()))
        let second = try Self.text(try Self.report(sites: try await HeartDiseaseFixture().siteStatistics()))
        #expect(first.json == second.json)
        #expect(first.html == second.html)
    }
}
