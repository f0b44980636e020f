import Foundation
import Testing

@testable import ClinicalData

/// Fixtures/csv/site-b.csv through its mapping: every expected value computed by hand.
struct MappedCSVTests {
    private func cohort() throws -> HarmonizedCohort {
        let study = try StudySchema.load(contentsOf: TestData.fixture("csv/harmonize-study.yaml"))
        let mapping = try CSVMapping.load(contentsOf: TestData.fixture("csv/site-b.mapping.yaml"))
        return try Harmonizer(study: study).run(.mappedCSV([TestData.fixture("csv/site-b.csv")], mapping: mapping))
    }

    private func values(_ row: PatientRow, _ study: StudySchema) -> [String: Double] {
        var values = Dictionary(uniqueKeysWithValues: zip(study.features.map(\.name), row.values))
        values["label"] = row.label
        return values
    }

    @Test func unitsCategoriesMarkersAndICD10Labels() throws {
        let cohort = try cohort()
        #expect(cohort.rows.count == 4)  // p1, p2, p3, p4; the repeated p1 is a duplicate, p5 lacks columns
        let p1 = values(cohort.rows[0], cohort.study)
        #expect(p1["age"] == 54)
        #expect(p1["sex"] == 0)  // F -> female
        #expect(close(p1["weight"]!, 150 * 0.45359237))  // 68.0388555 kg
        #expect(p1["height"] == 65 * 2.54)  // 165.1 cm
        #expect(close(p1["temperature"]!, 37))  // 98.6 [degF]
        #expect(close(p1["cholesterol"]!, 5.2 * 38.665))  // 201.058 mg/dL
        #expect(close(p1["glucose"]!, 5.5 * 18.016))  // 99.088 mg/dL
        #expect(p1["smoking"] == 0)
        #expect(p1["diabetes"] == 1)  // E11.9: in the type-2-diabetes value set (E11*)
        #expect(p1["label"] == 1)  // I10: in the hypertension value set (I10*)

        let p2 = values(cohort.rows[1], cohort.study)
        #expect(close(p2["weight"]!, 90.718474))
        #expect(p2["temperature"]!.isNaN)  // 212 [degF] = 100 Cel: implausible, discarded
        #expect(p2["cholesterol"]!.isNaN)  // "0" is this column's missing marker
        #expect(p2["glucose"]!.isNaN)  // "?"
        #expect(p2["smoking"] == 1)  // "Former smoker"
        #expect(p2["label"] == 0 && p2["diabetes"] == 0)

        let p3 = values(cohort.rows[2], cohort.study)
        #expect(p3["weight"]!.isNaN)  // blank
        #expect(close(p3["height"]!, 182.88))
        #expect(close(p3["temperature"]!, 37.5))  // 99.5 [degF]
        #expect(close(p3["cholesterol"]!, 6.1 * 38.665))
        #expect(p3["smoking"] == 2)
        #expect(p3["label"] == 0 && p3["diabetes"] == 1)

        let p4 = values(cohort.rows[3], cohort.study)
        #expect(p4["sex"]!.isNaN)  // "X" is neither category
        #expect(p4["smoking"]!.isNaN)  // "sometimes" is no category
        #expect(p4["label"] == 1)
    }

    @Test func reportCountsEverySkippedRecord() throws {
        let report = try cohort().report
        #expect(report.rowsRead == 6)
        #expect(report.patients.read == 5 && report.patients.kept == 4)
        #expect(report.patients.excluded.map(\.reason).first?.hasPrefix("duplicate patient") == true)
        let missingColumn = report.errors.filter { $0.kind == RecordErrorKind.missingColumn }
        #expect(missingColumn.count == 1)
        #expect(missingColumn.first?.resource == "line 7")
        #expect(missingColumn.first?.reason.contains("temp_f") == true)
        #expect(report.errors.filter { $0.kind == RecordErrorKind.unknownCategory }.count == 2)
        let temperature = try #require(report.features.first { $0.name == "temperature" })
        #expect(temperature.outOfRange == 1 && temperature.outOfRangeDiscarded == 1)
        #expect(temperature.convertedFrom == [.init(unit: "[degF]", count: 4)])
        let weight = try #require(report.features.first { $0.name == "weight" })
        #expect(weight.convertedFrom == [.init(unit: "[lb_av]", count: 3)])
        #expect(weight.missing == 1 && weight.present == 3)
    }

    @Test func headerWithoutAMappedColumnSkipsEveryRow() throws {
        try TestData.withScratchDirectory { folder in
            let csv = folder.appendingPathComponent("renamed.csv")
            try "patient,sex,age,weight_kg\nq1,F,50,70\nq2,M,60,80\n".write(to: csv, atomically: true, encoding: .utf8)
            let study = try StudySchema.load(contentsOf: TestData.fixture("csv/harmonize-study.yaml"))
            let mapping = try CSVMapping.load(contentsOf: TestData.fixture("csv/site-b.mapping.yaml"))
            let cohort = try Harmonizer(study: study).run(.mappedCSV([csv], mapping: mapping))
            #expect(cohort.rows.isEmpty)
            #expect(cohort.report.errors.count == 2)
            #expect(cohort.report.errors.allSatisfy { $0.kind == RecordErrorKind.missingColumn })
            #expect(throws: ClinicalDataError.self) { try cohort.requireRows() }
        }
    }

    @Test func mappingMistakesAreSchemaErrors() {
        let cases = [
            ("header: false\ncolumns:\n  - {column: age, demographic: age}\n", "give position:"),
            ("columns:\n  - {column: chol, code: \"loinc:2093-3\", unit: mmol/Lx}\n", "not a UCUM unit"),
            ("columns:\n  - {column: chol, code: \"loinc:2093-3\", demographic: age}\n", "exactly one of"),
            ("columns:\n  - {column: dx, conditions: icd9}\n", "not a code system")
        ]
        for (yaml, message) in cases {
            #expect(throws: SchemaError.self) { try CSVMapping.parse(yaml, file: "m.yaml") }
            do { _ = try CSVMapping.parse(yaml, file: "m.yaml") } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }
}
