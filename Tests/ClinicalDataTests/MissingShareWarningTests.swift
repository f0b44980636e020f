import Foundation
import Testing

@testable import ClinicalData

/// A feature missing for more than the study's share (default: half) of a site's patients is
/// flagged where people look, before imputation hides it: the site's quality report (local,
/// published and HTML) and the coordinator's view of the site summaries.
struct MissingShareWarningTests {
    /// Glucose missing for 30 of 40 patients (75 %), smoking for none.
    private var scenario: ReportScenario {
        var scenario = ReportScenario()
        scenario.add(10, .kept(label: 1), values: [50, 100, 0, 0])
        scenario.add(15, .kept(label: 1), values: [50, .nan, 0, 0])
        scenario.add(15, .kept(label: 0), values: [50, .nan, 1, 1])
        return scenario
    }

    @Test func theSitesReportFlagsAMostlyMissingFeature() {
        let report = scenario.report
        #expect(report.features.filter(\.missingAboveWarningShare).map(\.name) == ["glucose"])
        #expect(report.warnings == ["glucose is missing for 75% of eligible patients (more than 50%); imputation would fill it in"])
        let published = PublishedQualityReport(report)
        #expect(published.features.map(\.missingAboveWarningShare) == [false, true, false, false])
        #expect(published.warnings == ["glucose is missing for more than 50% of eligible patients; imputation would fill it in"])
        let html = HTMLQualityReport(published).render()
        #expect(html.contains("<h2>Warnings</h2>") && html.contains("glucose is missing for more than 50%"))
    }

    /// The flag reaches people even where every count is hidden: a site of 7 patients.
    @Test func theFlagSurvivesSuppression() {
        var small = ReportScenario()
        small.add(2, .kept(label: 1), values: [50, 100, 0, 0])
        small.add(5, .kept(label: 0), values: [50, .nan, 0, 0])
        let published = PublishedQualityReport(small.report)
        let glucose = published.features[1]
        #expect(glucose.present.isHidden && glucose.missing.isHidden)
        #expect(glucose.missingAboveWarningShare == true)
        #expect(ExhaustiveAttacker(publishedFigures(small.report), cap: 40).attack().leaks.isEmpty)
    }

    @Test func theCoordinatorSeesWhichSiteLacksWhat() throws {
        let scenario = self.scenario
        let summary = SiteSummary(study: scenario.study, rows: scenario.rows, site: "north")
        let warnings = MissingShareWarning.warnings(for: summary, study: scenario.study)
        #expect(warnings.map(\.description) == ["site north: glucose is missing for more than 50% of its patients (before imputation)"])
        // The study sets the share.
        var strict = scenario.study
        strict.missingWarningShare = 0.8
        #expect(MissingShareWarning.warnings(for: summary, study: strict).isEmpty)
    }

    @Test func theShareIsAStudyKey() throws {
        let study = try TestData.study(
            """
            study: s
            missing: {policy: impute, warn_above: 0.2}
            features: [{name: age, kind: age}]
            label: {name: y, kind: condition, code: "snomed:1"}
            """)
        #expect(study.missingWarningShare == 0.2)
        #expect(try TestData.cardiovascular().missingWarningShare == 0.5)
        #expect(throws: SchemaError.self) {
            try TestData.study(
                "study: s\nmissing: {warn_above: 50}\nfeatures: [{name: age, kind: age}]\nlabel: {name: y, kind: condition, code: \"snomed:1\"}\n")
        }
    }
}
