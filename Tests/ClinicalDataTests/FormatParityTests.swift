import Foundation
import Testing

@testable import ClinicalData

/// The same patients exported as FHIR R4 bundles and as Synthea CSV (the fixture bundles
/// re-expressed by Fixtures/synthea-csv/make_from_fhir.py, eGFR labelled "mL/min" as Synthea's
/// CSV exporter writes it) give the same study rows: every feature, eGFR included, and the label.
struct FormatParityTests {
    @Test func fhirAndSyntheaCSVGiveTheSameFeatures() throws {
        let study = try TestData.cardiovascular()
        let fhir = try Harmonizer(study: study).run(.fhir(TestData.fixture("fhir")))
        let csv = try Harmonizer(study: study).run(.syntheaCSV(TestData.fixture("synthea-csv")))
        #expect(csv.report.patients.read == fhir.report.patients.read)
        #expect(csv.report.patients.excluded == fhir.report.patients.excluded)
        #expect(csv.rows.count == fhir.rows.count && fhir.rows.count == 3)
        for (fromCSV, fromFHIR) in zip(csv.rows, fhir.rows) {
            #expect(fromCSV.label == fromFHIR.label)
            for (index, feature) in study.features.enumerated() {
                let a = fromCSV.values[index]
                let b = fromFHIR.values[index]
                #expect(a == b || (a.isNaN && b.isNaN), "\(feature.name): CSV \(a), FHIR \(b)")
            }
        }
        let egfr = try #require(study.features.firstIndex { $0.name == "egfr" })
        #expect(fhir.rows.contains { !$0.values[egfr].isNaN }, "the fixtures hold an eGFR before the index date")
        #expect(csv.report.features[egfr].acceptedMislabels.first?.unit == "mL/min")
        #expect(csv.report.errorCount == 0)
    }
}
