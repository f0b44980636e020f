import Foundation
import Testing

@testable import ClinicalData

/// The trimmed real bundles in Fixtures/fhir, read with the cardiovascular study. Expected
/// values were read off the bundles' JSON by hand (index date 2020-01-01; labs within 5 years,
/// i.e. on or after 2015-01-02; vitals within 3 years, on or after 2017-01-01).
struct FHIRBundleTests {
    private func cohort(chunkSize: Int = 1 << 20) throws -> HarmonizedCohort {
        var harmonizer = Harmonizer(study: try TestData.cardiovascular())
        harmonizer.chunkSize = chunkSize
        return try harmonizer.run(.fhir(TestData.fixture("fhir")))
    }

    private func row(_ cohort: HarmonizedCohort, _ name: String) throws -> [String: Double] {
        let row = try #require(cohort.rows.first { $0.file.contains(name) }, "\(name) not kept")
        var values = Dictionary(uniqueKeysWithValues: zip(cohort.study.features.map(\.name), row.values))
        values["label"] = row.label
        return values
    }

    @Test func readsEveryResourceWithoutParseErrors() throws {
        let cohort = try cohort()
        let report = cohort.report
        #expect(report.files.read == 4 && report.files.failed == 0)
        #expect(report.patients.read == 4)
        #expect(report.patients.kept == 3)
        #expect(report.patients.excluded == [QualityReport.Exclusion(reason: "died before the index date", count: 1, completeCase: false)])
        #expect(!report.errorsByKind.contains { $0.unit == RecordErrorKind.invalidJSON || $0.unit == RecordErrorKind.notFHIRR4 })
        #expect(report.resources.first { $0.unit == "Claim" }?.count == 4)
        #expect(report.recordsNotInStudy > 0)
    }

    @Test func stephenMcLaughlinByHand() throws {
        let values = try row(try cohort(), "Stephen_McLaughlin")
        #expect(values["age"] == 40)  // born 1979-04-28
        #expect(values["sex"] == 1)  // male
        #expect(values["bmi"] == 28.302185174203743)  // 2019-05-04
        #expect(values["body_weight"] == 85.78618940732348)  // 2019-05-04
        #expect(values["body_height"] == 174.09997327938322)  // 2019-05-04 (no window)
        #expect(values["systolic_bp"] == 170.81776607161012)  // component 8480-6 of panel 55284-4, 2019-05-04
        #expect(values["systolic_bp_mean"] == 170.81776607161012)  // 2016-10-29 is outside the 3-year window
        #expect(values["diastolic_bp"] == 108.04084831781385)
        #expect(values["total_cholesterol"] == 167.3596042815761)  // 2016-10-29
        #expect(values["ldl_cholesterol"] == 73.92954182710007)
        #expect(values["hdl_cholesterol"] == 68.82542057693917)
        #expect(values["triglycerides"] == 123.02320938768437)
        #expect(values["glucose"]!.isNaN)  // never measured
        #expect(values["hba1c"]!.isNaN)
        #expect(values["egfr"] == 154.7080296588483)  // 2019-05-04, mL/min/{1.73_m2}
        #expect(values["smoking"] == 0)  // Never smoker (SNOMED CT 266919005)
        #expect(values["diabetes_or_prediabetes"] == 0)
        #expect(values["encounters_3y"] == 1)  // 2019-05-04 (2021 is after the index)
        #expect(values["label"] == 1)  // Hypertension 38341003, onset 1997-07-05
    }

    @Test func lupeLittleByHand() throws {
        let values = try row(try cohort(), "Lupe_Little")
        #expect(values["age"] == 37)  // born 1982-04-07
        #expect(values["bmi"] == 27.303214821184763)  // 2019-05-01
        #expect(values["systolic_bp"] == 136.7468473282212)
        #expect(values["diastolic_bp"] == 79.85117967926222)
        #expect(values["total_cholesterol"] == 166.4004916214332)  // 2016-07-20
        #expect(values["glucose"] == 72.02079673916808)  // 2019-05-01, LOINC 2339-0
        #expect(values["hba1c"] == 6.188238967081563)
        #expect(values["egfr"]!.isNaN)
        #expect(values["diabetes_or_prediabetes"] == 1)  // Prediabetes 15777000, 2004-06-09
        #expect(values["encounters_3y"] == 3)  // 2019-04-16, 2019-04-24, 2019-05-01
        #expect(values["label"] == 0)
    }

    @Test func tomGoodwinByHand() throws {
        let cohort = try cohort()
        let values = try row(cohort, "Tom_Goodwin")
        #expect(values["age"] == 51)  // born 1968-04-30
        #expect(values["systolic_bp_mean"] == (127.1629173470945 + 107.4264563593192) / 2)  // 2018-05-01, 2019-05-07
        #expect(values["total_cholesterol"] == 188.29889481444548)  // 2018-05-01; 2020-05-12 is after the index
        #expect(values["glucose"] == 66.26152376412436)  // 2019-05-07
        #expect(values["encounters_3y"] == 2)
        #expect(values["diabetes_or_prediabetes"] == 1)
        // His 2020 eGFR is labelled mL/min; LOINC 33914-3 is per 1.73 m2 by definition, so it is
        // read as mL/min/{1.73_m2} and counted as an accepted mislabel, never silently.
        #expect(cohort.report.errors.filter { $0.kind == RecordErrorKind.unknownUnit }.isEmpty)
        let egfr = try #require(cohort.report.features.first { $0.name == "egfr" })
        #expect(egfr.rejectedUnits.isEmpty && egfr.acceptedMislabels == [.init(unit: "mL/min", count: 1)])
    }

    @Test func streamingThroughTinyBuffersGivesTheSameRows() throws {
        // 4 KiB chunks: almost every entry straddles a refill and is parsed again; large ones grow the buffer.
        let whole = try cohort()
        let streamed = try cohort(chunkSize: 4096)
        #expect(streamed.rows.count == whole.rows.count)
        for (a, b) in zip(streamed.rows, whole.rows) {
            #expect(a.label == b.label)
            #expect(zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern })
        }
        #expect(streamed.report.resources == whole.report.resources)
        #expect(streamed.report.errorCount == whole.report.errorCount)
    }

    @Test func ndjsonBulkExportReadsLikeBundles() throws {
        // Fixtures/fhir-ndjson holds Lupe Little's bundle as bulk-data NDJSON (Patient/<id> references).
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.fixture("fhir-ndjson")))
        let bundled = try self.cohort()
        let expected = try #require(bundled.rows.first { $0.file.contains("Lupe_Little") })
        #expect(cohort.rows.count == 1)
        #expect(cohort.rows.first.map { zip($0.values, expected.values).allSatisfy { $0.bitPattern == $1.bitPattern } } == true)
        #expect(cohort.rows.first?.label == expected.label)
    }
}
