import Foundation
import Testing

@testable import ClinicalData

/// Condition status, verification and time as study choices, read from FHIR R4 Conditions,
/// and the codes that look related but are not in the study's value sets.
struct ConditionStatusTests {
    /// One patient per case, each with one Condition (NDJSON bulk export).
    private static let export: String = {
        func patient(_ id: String) -> String {
            #"{"resourceType":"Patient","id":"\#(id)","gender":"female","birthDate":"1960-01-01"}"#
        }
        func condition(
            _ id: String, _ patient: String, system: String = "http://snomed.info/sct", code: String = "38341003",
            display: String = "Hypertension", extra: String
        ) -> String {
            #"{"resourceType":"Condition","id":"\#(id)","subject":{"reference":"Patient/\#(patient)"},"code":{"coding":[{"system":"\#(system)","code":"\#(code)","display":"\#(display)"}]}\#(extra)}"#
        }
        let confirmed = #","verificationStatus":{"coding":[{"code":"confirmed"}]}"#
        let icd = "http://hl7.org/fhir/sid/icd-10-cm"
        return [
            patient("active"), condition("c1", "active", extra: confirmed + #","clinicalStatus":{"coding":[{"code":"active"}]},"onsetDateTime":"2010-05-01""#),
            patient("resolved"),
            condition(
                "c2", "resolved",
                extra: confirmed + #","clinicalStatus":{"coding":[{"code":"resolved"}]},"onsetDateTime":"2010-05-01","abatementDateTime":"2015-01-01""#),
            patient("provisional"),
            condition("c3", "provisional", extra: #","verificationStatus":{"coding":[{"code":"provisional"}]},"onsetDateTime":"2010-05-01""#),
            patient("refuted"), condition("c4", "refuted", extra: #","verificationStatus":{"coding":[{"code":"refuted"}]},"onsetDateTime":"2010-05-01""#),
            patient("ended"), condition("c5", "ended", extra: confirmed + #","clinicalStatus":{"coding":[{"code":"resolved"}]},"onsetDateTime":"2010-05-01""#),
            patient("undated"), condition("c6", "undated", extra: confirmed),
            patient("later"), condition("c7", "later", extra: confirmed + #","onsetDateTime":"2021-03-01""#),
            patient("icd"),
            condition(
                "c8", "icd", system: icd, code: "I11.9", display: "Hypertensive heart disease without heart failure", extra: #","onsetDateTime":"2012-01-01""#),
            patient("mixed"),
            condition("c9", "mixed", system: icd, code: "I67.4", display: "Hypertensive encephalopathy", extra: #","onsetDateTime":"2012-01-01""#),
            condition("c10", "mixed", system: icd, code: "I15.0", display: "Renovascular hypertension", extra: #","onsetDateTime":"2012-01-01""#),
            condition("c11", "mixed", code: "123456", display: "Hypertensive crisis, local", extra: #","onsetDateTime":"2012-01-01""#),
            condition(
                "c12", "mixed", system: icd, code: "E11.65", display: "Type 2 diabetes mellitus with hyperglycemia", extra: #","onsetDateTime":"2012-01-01""#)
        ].joined(separator: "\n") + "\n"
    }()

    /// Label positives by patient id (the order patients are read in).
    private func labels(_ label: String, features: String = "[{name: age, kind: age}]") throws -> [String: Double] {
        let study = try TestData.study("study: t\nindex_date: 2020-01-01\nfeatures: \(features)\nlabel: \(label)\n")
        return try TestData.withScratchDirectory { folder in
            try Data(Self.export.utf8).write(to: folder.appendingPathComponent("export.ndjson"))
            let cohort = try Harmonizer(study: study).run(.fhir(folder))
            let ids = ["active", "resolved", "provisional", "refuted", "ended", "undated", "later", "icd", "mixed"]
            #expect(cohort.rows.count == ids.count)
            return Dictionary(uniqueKeysWithValues: zip(ids, cohort.rows.map(\.label)))
        }
    }

    private func positives(_ labels: [String: Double]) -> Set<String> { Set(labels.filter { $0.value == 1 }.keys) }

    @Test func everRecordedCountsResolvedDiagnosesButNotProvisionalOrRefutedOnes() throws {
        let labels = try labels("{name: y, kind: condition, value_sets: [hypertension]}")
        // I11.9 counts through the I11 family, and "mixed" through I15.0 (I67.4 is not in the set).
        #expect(positives(labels) == ["active", "resolved", "ended", "undated", "icd", "mixed"])
    }

    @Test func verificationIsTheStudysChoice() throws {
        let labels = try labels("{name: y, kind: condition, value_sets: [hypertension], verification: [confirmed, provisional, unknown]}")
        #expect(positives(labels).contains("provisional") && !positives(labels).contains("refuted"))
        let confirmedOnly = try self.labels("{name: y, kind: condition, value_sets: [hypertension], verification: [confirmed]}")
        // The ICD-coded records carry no verification status: unknown, not accepted here.
        #expect(positives(confirmedOnly) == ["active", "resolved", "ended", "undated"])
    }

    @Test func activeAtIndexLeavesOutWhatAbatedBefore() throws {
        let labels = try labels("{name: y, kind: condition, value_sets: [hypertension], status: active_at_index}")
        // resolved abated in 2015; ended is resolved without a date: not taken as active.
        #expect(positives(labels) == ["active", "undated", "icd", "mixed"])
    }

    @Test func undatedConditionsNeverCountAsAfterTheIndex() throws {
        let labels = try labels("{name: y, kind: condition, value_sets: [hypertension], timing: after_index}")
        #expect(positives(labels) == ["later"])
        let before = try self.labels("{name: y, kind: condition, value_sets: [hypertension], timing: on_or_before_index}")
        #expect(!positives(before).contains("later") && positives(before).contains("undated"))
    }

    @Test func conditionFeaturesUseTheSameChoices() throws {
        let features =
            "[{name: age, kind: age}, {name: t2d, kind: condition, value_sets: [type-2-diabetes]}, {name: htn_active, kind: condition, value_sets: [hypertension], status: active_at_index}]"
        let study = try TestData.study("study: t\nindex_date: 2020-01-01\nfeatures: \(features)\nlabel: {name: y, kind: condition, codes: [\"snomed:1\"]}\n")
        try TestData.withScratchDirectory { folder in
            try Data(Self.export.utf8).write(to: folder.appendingPathComponent("export.ndjson"))
            let cohort = try Harmonizer(study: study).run(.fhir(folder))
            let t2d = cohort.rows.map { $0.values[1] }
            let active = cohort.rows.map { $0.values[2] }
            #expect(t2d == [0, 0, 0, 0, 0, 0, 0, 0, 1])  // E11.65 through the E11 family
            #expect(active == [1, 0, 0, 0, 0, 1, 0, 1, 1])  // "later" starts after the index date
            #expect(cohort.report.features[2].recordsNotVerified == 1)  // the provisional record
        }
    }

    /// Codes seen here that look related to the label but are not in its value set are listed,
    /// with why: same ICD-10-CM category or chapter, or a keyword in their display.
    @Test func relatedCodesOutsideTheValueSetAreListed() throws {
        let study = try TestData.study(
            "study: t\nindex_date: 2020-01-01\nfeatures: [{name: age, kind: age}]\nlabel: {name: y, kind: condition, value_sets: [hypertension]}\n")
        try TestData.withScratchDirectory { folder in
            try Data(Self.export.utf8).write(to: folder.appendingPathComponent("export.ndjson"))
            let report = try Harmonizer(study: study).run(.fhir(folder)).report
            let related = Dictionary(uniqueKeysWithValues: report.relatedCodes.map { ($0.code, $0.relation) })
            #expect(related["icd10cm:I67.4"]?.hasPrefix("same ICD-10-CM chapter IX (I00-I99)") == true)
            #expect(related["snomed:123456"] == "its display mentions 'hypertens'")
            #expect(related["icd10cm:E11.65"] == nil)  // another chapter, nothing in common
            #expect(related["icd10cm:I15.0"] == nil)  // in the value set: matched, not related
            let published = PublishedQualityReport(report)
            #expect(published.relatedCodes.map(\.code) == ["icd10cm:I67.4", "snomed:123456"])
            #expect(published.relatedCodes.allSatisfy { $0.records == .small(below: 11) })
            #expect(HTMLQualityReport(published).render().contains("Codes that look related to a study condition"))
        }
    }
}
