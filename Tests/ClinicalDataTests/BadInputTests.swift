import Foundation
import Testing

@testable import ClinicalData

/// Bad input is skipped and counted with its reason; only an unusable study or an empty
/// result stops a run.
struct BadInputTests {
    private func read(_ files: [String]) throws -> HarmonizedCohort {
        try TestData.withScratchDirectory { folder in
            for file in files {
                try FileManager.default.copyItem(at: TestData.fixture(file), to: folder.appendingPathComponent((file as NSString).lastPathComponent))
            }
            return try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(folder))
        }
    }

    @Test func invalidAndNonFHIRFilesAreSkippedWithTheirReason() throws {
        let cohort = try read([
            "fhir-bad/truncated.json", "fhir-bad/not-json.json", "fhir-bad/patient-only.json",
            "fhir/Lupe_Little_f8a42e66-8c03-4ee6-85e3-3817c2942de1.json"
        ])
        let report = cohort.report
        #expect(report.files.read == 1 && report.files.failed == 3)
        #expect(report.patients.read == 1 && report.patients.kept == 1)
        let byFile = Dictionary(uniqueKeysWithValues: report.errors.map { (($0.file as NSString).lastPathComponent, $0) })
        #expect(byFile["truncated.json"]?.kind == RecordErrorKind.invalidJSON)
        #expect(byFile["truncated.json"]?.reason.contains("truncated") == true)
        #expect(byFile["not-json.json"]?.kind == RecordErrorKind.notFHIRR4)
        #expect(byFile["patient-only.json"]?.reason.contains("is a Patient resource, not a Bundle") == true)
        // Nothing of the truncated bundle (a real patient's first third) reaches the dataset.
        #expect(cohort.rows.allSatisfy { $0.file.hasSuffix("Lupe_Little_f8a42e66-8c03-4ee6-85e3-3817c2942de1.json") })
        for error in report.errors { #expect(!error.reason.contains("\n")) }
    }

    @Test func preR4ShapesUnknownUnitsAndUnusedCodesAreCounted() throws {
        let cohort = try read(["fhir-bad/mixed-versions.json"])
        let report = cohort.report
        #expect(report.files.failed == 0)
        let notR4 = report.errors.filter { $0.kind == RecordErrorKind.notFHIRR4 }
        #expect(notR4.count == 3)  // Condition.clinicalStatus as a string, Condition.patient, MedicationOrder
        #expect(notR4.contains { $0.resource.hasPrefix("MedicationOrder") && $0.reason.contains("DSTU2/STU3") })
        #expect(notR4.contains { $0.resource.hasPrefix("Condition/stu3-condition") && $0.reason.contains("clinicalStatus") })
        let units = report.errors.filter { $0.kind == RecordErrorKind.unknownUnit }
        #expect(units.count == 1)
        #expect(units.first?.resource.hasPrefix("Observation/odd-unit") == true)
        #expect(units.first?.reason.contains("furlong") == true)
        // The molar cholesterol is converted, the temperature (not in the study) only counted.
        let cholesterol = try #require(report.features.first { $0.name == "total_cholesterol" })
        #expect(cholesterol.convertedFrom == [.init(unit: "mmol/L", count: 1)])
        #expect(report.recordsNotInStudy == 1)
        #expect(report.errorsByKind.map(\.count).reduce(0, +) == report.errorCount)
    }

    @Test func noRowsLeftIsFatal() throws {
        let cohort = try read(["fhir-bad/not-json.json"])
        #expect(cohort.rows.isEmpty)
        #expect(throws: ClinicalDataError.self) { try cohort.requireRows() }
        do {
            try cohort.requireRows()
        } catch {
            #expect("\(error)".contains("no patients left"))
        }
    }

    @Test func missingSourceIsFatal() {
        #expect(throws: ClinicalDataError.self) {
            try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(URL(fileURLWithPath: "/nonexistent/fhir")))
        }
    }

    @Test func duplicatePatientBundleIsCountedOnce() throws {
        try TestData.withScratchDirectory { folder in
            let source = TestData.fixture("fhir/Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json")
            try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent("a.json"))
            try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent("b.json"))
            let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(folder))
            #expect(cohort.report.patients.read == 2)
            #expect(cohort.report.patients.kept == 1)
            #expect(cohort.report.patients.excluded.first?.reason.hasPrefix("duplicate patient") == true)
            #expect(cohort.rows.first?.values[cohort.study.features.firstIndex { $0.name == "encounters_3y" }!] == 1)
        }
    }
}
