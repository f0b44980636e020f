import Foundation
import Testing

@testable import ClinicalData

struct StudySchemaTests {
    @Test func shippedStudiesLoad() throws {
        #expect(StudySchema.bundledNames == ["synthea-cardiovascular", "uci-heart-disease"])
        let cardio = try TestData.cardiovascular()
        #expect(cardio.indexDate == .fixed(CivilDate(year: 2020, month: 1, day: 1)))
        #expect(cardio.cohort.minimumAge == 18 && cardio.cohort.minimumHistoryDays == 365)
        #expect(cardio.feature(named: "total_cholesterol")?.codes == [ClinicalCode(.loinc, "2093-3")])
        #expect(cardio.feature(named: "glucose")?.molarMass == 180.16)
        #expect(cardio.feature(named: "smoking")?.categories.map(\.name) == ["never", "former", "current"])
        let heart = try TestData.heart()
        #expect(heart.missingValues == .dropRow)
        #expect(
            ColumnLayout(study: heart).names == [
                "age", "sex=male", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak",
                "cp=atypical_angina", "cp=non_anginal", "cp=asymptomatic", "restecg=st_t_abnormality", "restecg=lv_hypertrophy"
            ])
    }

    @Test func mistakesAreReportedWithFileLineAndKey() throws {
        let base = """
            study: t
            features:
              - name: chol
                kind: quantity
                code: loinc:2093-3
                unit: mg/dL
            label: {name: y, kind: condition, code: "snomed:38341003"}

            """
        _ = try TestData.study(base)
        let cases: [(String, String, Int?)] = [
            (base.replacingOccurrences(of: "unit: mg/dL", with: "unit: mg/dl%"), "not a UCUM unit", 6),
            (base.replacingOccurrences(of: "kind: quantity", with: "kind: quantity\n    agregation: last"), "unknown key 'agregation'", 5),
            (base.replacingOccurrences(of: "code: loinc:2093-3", with: "code: lonic:2093-3"), "is not a code", 5),
            (base.replacingOccurrences(of: "    code: loinc:2093-3\n", with: ""), "needs code: or codes:", 3),
            (base + "index_date: 2020-02-30x\n", "is not a date", 8),
            (base.replacingOccurrences(of: "label: {name: y, kind: condition, code: \"snomed:38341003\"}\n", with: ""), "missing 'label'", 1),
            ("study: [unclosed\n", "is not valid YAML", nil)
        ]
        for (yaml, message, line) in cases {
            do {
                _ = try TestData.study(yaml)
                Issue.record("accepted: \(message)")
            } catch let error as SchemaError {
                #expect(error.description.contains(message), "\(error)")
                if let line { #expect(error.line == line, "\(error)") }
                #expect(error.description.hasPrefix("test.yaml"))
                #expect(!error.description.contains("\n"))
            }
        }
    }

    /// Days become seconds in an Int64 when patients are finalized: a count of days past a
    /// century is refused when the schema is read, naming the key, instead of trapping later.
    @Test func dayCountsAreBoundedWhenTheSchemaIsRead() throws {
        let base = """
            study: t
            cohort: {minimum_history_days: 365}
            features:
              - name: chol
                kind: quantity
                code: loinc:2093-3
                unit: mg/dL
                window_days: 1095
            label: {name: y, kind: condition, code: "snomed:38341003", timing: after_index, within_days: 365}

            """
        _ = try TestData.study(base)
        _ = try TestData.study(base.replacingOccurrences(of: "window_days: 1095", with: "window_days: 36525"))
        let cases: [(String, String)] = [
            (base.replacingOccurrences(of: "window_days: 1095", with: "window_days: 106751991167301"), "features[0].window_days"),
            (base.replacingOccurrences(of: "window_days: 1095", with: "window_days: 36526"), "features[0].window_days"),
            (base.replacingOccurrences(of: "window_days: 1095", with: "window_days: 0"), "features[0].window_days"),
            (base.replacingOccurrences(of: "window_days: 1095", with: "window_days: 99999999999999999999"), "features[0].window_days"),
            (base.replacingOccurrences(of: "within_days: 365", with: "within_days: 106751991167301"), "label.within_days"),
            (base.replacingOccurrences(of: "within_days: 365", with: "within_days: -1"), "label.within_days"),
            (base.replacingOccurrences(of: "minimum_history_days: 365", with: "minimum_history_days: 106751991167301"), "cohort.minimum_history_days"),
            (base.replacingOccurrences(of: "minimum_history_days: 365", with: "minimum_history_days: -1"), "cohort.minimum_history_days")
        ]
        for (yaml, key) in cases {
            let error = #expect(throws: SchemaError.self) { _ = try TestData.study(yaml) }
            #expect(error?.description.contains(key) == true, "\(error.map { "\($0)" } ?? "accepted"), expected \(key)")
        }
    }

    @Test func unreadableStudyIsFatalWithAClearMessage() {
        #expect(throws: SchemaError.self) { try StudySchema.resolve("/nonexistent/study.yaml") }
        #expect(throws: SchemaError.self) { try StudySchema.resolve("no-such-study") }
        do {
            _ = try StudySchema.resolve("no-such-study")
        } catch {
            #expect("\(error)".contains("synthea-cardiovascular"))
        }
    }
}
