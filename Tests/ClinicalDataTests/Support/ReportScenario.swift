import Foundation

@testable import ClinicalData

/// A cohort made up in a test, patient by patient, and the exact quality report the real
/// report builder makes of it: the input of the disclosure tests, which need cohorts with
/// chosen small counts rather than whatever an export happens to hold.
struct ReportScenario {
    /// How one made-up patient ends: kept (with a label), or excluded for a reason.
    enum Fate {
        case kept(label: Double)
        case excluded(ExclusionReason)
    }

    var study: StudySchema
    var rows: [PatientRow] = []
    var excluded: [ExcludedPatient] = []
    var errorsByKind: [String: Int] = [:]

    /// A study with one feature of each shape the report publishes: a continuous lab
    /// (`glucose`, may be missing), a 0/1 condition (`diabetes`, never missing), a
    /// three-level category (`smoking`, may be missing) and age.
    static func study(policy: MissingValuePolicy = .impute(indicator: true)) -> StudySchema {
        StudySchema(
            id: "scenario", indexDate: .fixed(CivilDate(year: 2020, month: 1, day: 1)), missingValues: policy,
            features: [
                FeatureDefinition(name: "age", kind: .age, unit: "a", plausible: PlausibleRange(0, 120), bins: 120),
                FeatureDefinition(
                    name: "glucose", kind: .quantity, codes: [ClinicalCode(.loinc, "2345-7")], unit: "mg/dL",
                    plausible: PlausibleRange(20, 600), bins: 100),
                FeatureDefinition(name: "diabetes", kind: .condition, codes: [ClinicalCode(.snomed, "44054006")]),
                FeatureDefinition(
                    name: "smoking", kind: .category, codes: [ClinicalCode(.loinc, "72166-2")],
                    categories: [
                        CategoryDefinition(name: "never"), CategoryDefinition(name: "former"),
                        CategoryDefinition(name: "current")
                    ])
            ],
            label: LabelDefinition(
                name: "hypertension", rule: .condition(ConditionDefinition(codes: [ClinicalCode(.snomed, "38341003")]), timing: .onOrBeforeIndex)),
            sha256: String(repeating: "0", count: 64))
    }

    init(policy: MissingValuePolicy = .impute(indicator: true)) {
        study = Self.study(policy: policy)
    }

    /// Adds a patient: `values` in the study's feature order (NaN: missing; none for a patient
    /// excluded before any value is computed).
    mutating func add(_ fate: Fate, values: [Double]) {
        let values = values.isEmpty ? Array(repeating: Double.nan, count: study.features.count) : values
        precondition(values.count == study.features.count, "one value per feature")
        let row = PatientRow(values: values, label: 0)
        switch fate {
        case .kept(let label):
            rows.append(PatientRow(values: values, label: label))
        case .excluded(let reason):
            if case .missingValue = reason {
                excluded.append(ExcludedPatient(reason: reason, place: PatientPlace(), file: "", row: row))
            } else {
                excluded.append(ExcludedPatient(reason: reason, place: PatientPlace(), file: "", row: nil))
            }
        }
    }

    /// Adds `count` identical patients.
    mutating func add(_ count: Int, _ fate: Fate, values: [Double]) {
        for _ in 0..<count { add(fate, values: values) }
    }

    var report: QualityReport {
        var tally = QualityTally(slotCount: study.features.count + 1)
        tally.filesRead = 1
        for (kind, count) in errorsByKind.sorted(by: { $0.key < $1.key }) {
            for index in 0..<count { tally.record(RecordError(kind: kind, file: "f", resource: "r\(index)", reason: "made up")) }
        }
        return QualityReport(
            study: study, source: .fhir(URL(fileURLWithPath: "/scenario")), tally: tally, rows: rows,
            excluded: excluded, seconds: 0)
    }
}
