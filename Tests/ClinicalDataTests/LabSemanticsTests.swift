import Foundation
import Testing

@testable import ClinicalData

/// Lab values read as clinicians read them: calibrations the units do not give, equivalents
/// with valence, censored results, units fixed by a LOINC code's definition, and the unit texts
/// real exports write. Every conversion with a worked value.
struct LabSemanticsTests {
    private func unit(_ text: String) throws -> UCUMUnit { try UCUMUnit(parsing: text) }

    /// HbA1c: NGSP % = 0.09148 x IFCC mmol/mol + 2.152 (Hoelzel et al. 2004). 48 mmol/mol is
    /// 6.543 %, not the 4.8 % a dimensional reading gives; that reading is refused.
    @Test func hba1cMovesBetweenIFCCAndNGSPOnlyByTheMasterEquation() throws {
        let toNGSP = UnitConversion(from: try unit("mmol/mol"), to: try unit("%"), clinical: .hba1cIFCCToNGSP)
        #expect(close(toNGSP.convert(48), 6.54304))
        #expect(close(toNGSP.convert(53), 7.00044))
        let toIFCC = UnitConversion(from: try unit("%"), to: try unit("mmol/mol"), clinical: .hba1cNGSPToIFCC)
        #expect(close(toIFCC.convert(6.5), (6.5 - 2.152) / 0.09148))  // 47.53
        #expect(close(toIFCC.convert(toNGSP.convert(48)), 48, relative: 1e-12))
        do {
            _ = try UnitConversion(from: try unit("mmol/mol"), to: try unit("%"))
            Issue.record("mmol/mol became % by its units")
        } catch {
            #expect("\(error)".contains("HbA1c") && "\(error)".contains("hba1c_ifcc_to_ngsp"), "\(error)")
        }
        // Plain fractions still convert: 0.065 is 6.5 %.
        #expect(close(try UnitConversion(from: try unit("1"), to: try unit("%")).convert(0.065), 6.5))
    }

    /// x mEq/L is x / valence mmol/L: calcium and magnesium halve, sodium and potassium stay.
    @Test func equivalentsConvertWithTheIonsValence() throws {
        let calcium = try UnitConversion(from: try unit("meq/L"), to: try unit("mmol/L"), valence: 2)
        #expect(close(calcium.convert(5), 2.5))
        let magnesium = try UnitConversion(from: try unit("meq/L"), to: try unit("mmol/L"), valence: 2)
        #expect(close(magnesium.convert(2), 1))
        #expect(close(try UnitConversion(from: try unit("meq/L"), to: try unit("mmol/L"), valence: 1).convert(4.5), 4.5))  // potassium
        #expect(close(try UnitConversion(from: try unit("mmol/L"), to: try unit("meq/L"), valence: 1).convert(140), 140))  // sodium
        // Calcium 5 mEq/L = 2.5 mmol/L = 2.5 x 40.078 / 10 mg/dL = 10.0195 mg/dL.
        let calciumMass = try UnitConversion(from: try unit("meq/L"), to: try unit("mg/dL"), molarMass: 40.078, valence: 2)
        #expect(close(calciumMass.convert(5), 10.0195))
        #expect(close(try UnitConversion(from: try unit("mmol/L"), to: try unit("meq/L"), valence: 2).convert(1.2), 2.4))
        do {
            _ = try UnitConversion(from: try unit("meq/L"), to: try unit("mmol/L"))
            Issue.record("mEq/L read as mmol/L without a valence")
        } catch {
            #expect("\(error)".contains("valence"), "\(error)")
        }
    }

    @Test func exportUnitTextsMapThroughTheSynonymTable() throws {
        #expect(UnitTables.synonyms.count > 20)
        #expect(UnitTables.ucum("mmHg") == "mm[Hg]" && UnitTables.ucum("lbs") == "[lb_av]" && UnitTables.ucum("kg/m^2") == "kg/m2")
        #expect(UnitTables.ucum("mEq/L") == "meq/L" && UnitTables.ucum("mg/dL") == "mg/dL")
        let pounds = try UnitConversion(from: try unit(UnitTables.ucum("lbs")), to: try unit("kg"))
        #expect(close(pounds.convert(150), 68.0388555))
        for (text, ucum) in UnitTables.synonyms { #expect(UCUMUnit.problem(with: ucum) == nil, "\(text) -> \(ucum)") }
    }

    @Test func eGFRCodesAcceptTheirCommonMislabel() throws {
        let fixed = try #require(UnitTables.fixedUnits[ClinicalCode(.loinc, "33914-3")])
        #expect(fixed.unit == "mL/min/{1.73_m2}" && fixed.accepts.contains("mL/min"))
        let egfr = try #require(
            SlotUnits(
                feature: FeatureDefinition(
                    name: "egfr", kind: .quantity, codes: [ClinicalCode(.loinc, "33914-3")],
                    unit: "mL/min/{1.73_m2}")))
        let (accepted, route) = egfr.resolve("mL/min")
        #expect(try accepted.get().isIdentity)
        if case .acceptedMislabel = route {} else { Issue.record("not counted as a mislabel: \(route)") }
        // A code without a fixed unit keeps raw clearance and eGFR apart.
        let clearance = try #require(
            SlotUnits(
                feature: FeatureDefinition(
                    name: "crcl", kind: .quantity, codes: [ClinicalCode(.loinc, "2164-2")],
                    unit: "mL/min/{1.73_m2}")))
        #expect(throws: UCUMError.self) { try clearance.resolve("mL/min").0.get() }
    }

    /// A site's CSV through the whole pipeline: non-UCUM units, an HbA1c in mmol/mol, calcium in
    /// mEq/L, eGFR in "mL/min", and censored eGFR ">60" under each policy.
    @Test func aSitesExportReadsAsTheStudySays() throws {
        func run(censored: String) throws -> HarmonizedCohort {
            try TestData.withScratchDirectory { folder in
                let csv = """
                    id,sbp,weight,bmi,hba1c,calcium,egfr
                    a,120,150,24.5,48,5,>60
                    b,135,200,31,53,4.6,45
                    c,140,180,27,,,<15
                    """
                let mapping = """
                    columns:
                      - {column: id, name: id, demographic: patient_id}
                      - {column: sbp, name: sbp, code: "loinc:8480-6", unit: mmHg}
                      - {column: weight, name: weight, code: "loinc:29463-7", unit: lbs}
                      - {column: bmi, name: bmi, code: "loinc:39156-5", unit: "kg/m^2"}
                      - {column: hba1c, name: hba1c, code: "loinc:4548-4", unit: mmol/mol}
                      - {column: calcium, name: calcium, code: "loinc:17861-6", unit: mEq/L}
                      - {column: egfr, name: egfr, code: "loinc:33914-3", unit: mL/min}
                    """
                let study = """
                    study: labs
                    index_date: last_record
                    missing: {policy: impute, indicator: false}
                    features:
                      - {name: sbp, kind: quantity, code: "loinc:8480-6", unit: "mm[Hg]", plausible: [60, 260]}
                      - {name: weight, kind: quantity, code: "loinc:29463-7", unit: kg, plausible: [1, 300]}
                      - {name: bmi, kind: quantity, code: "loinc:39156-5", unit: kg/m2, plausible: [10, 80]}
                      - {name: hba1c, kind: quantity, code: "loinc:4548-4", unit: "%", plausible: [3, 20], convert: {"mmol/mol": hba1c_ifcc_to_ngsp}}
                      - {name: calcium, kind: quantity, code: "loinc:17861-6", unit: mg/dL, molar_mass: 40.078, valence: 2, plausible: [4, 16]}
                      - {name: egfr, kind: quantity, code: "loinc:33914-3", unit: "mL/min/{1.73_m2}", plausible: [5, 200], censored: \(censored)}
                    label: {name: y, kind: condition, codes: ["snomed:1"]}
                    """
                try Data(csv.utf8).write(to: folder.appendingPathComponent("site.csv"))
                try Data(mapping.utf8).write(to: folder.appendingPathComponent("site.mapping.yaml"))
                try Data(study.utf8).write(to: folder.appendingPathComponent("labs.yaml"))
                let schema = try StudySchema.load(contentsOf: folder.appendingPathComponent("labs.yaml"))
                let map = try CSVMapping.load(contentsOf: folder.appendingPathComponent("site.mapping.yaml"))
                return try Harmonizer(study: schema).run(.mappedCSV([folder.appendingPathComponent("site.csv")], mapping: map))
            }
        }
        let dropped = try run(censored: "drop")
        let a = dropped.rows[0].values
        #expect(a[0] == 120)  // mmHg -> mm[Hg]
        #expect(close(a[1], 150 * 0.45359237))  // lbs -> kg: 68.04
        #expect(a[2] == 24.5)  // kg/m^2 -> kg/m2
        #expect(close(a[3], 6.54304))  // 48 mmol/mol -> 6.543 %
        #expect(close(a[4], 10.0195))  // 5 mEq/L calcium -> 2.5 mmol/L -> 10.02 mg/dL
        #expect(a[5].isNaN)  // >60 dropped
        #expect(dropped.rows[1].values[5] == 45)  // eGFR "mL/min" read per 1.73 m2
        let egfr = try #require(dropped.report.features.first { $0.name == "egfr" })
        #expect(egfr.acceptedMislabels.map(\.count).reduce(0, +) == 1)  // b; the two censored values were dropped first
        #expect(egfr.censoredDropped == 2 && egfr.censoredKept == 0)
        #expect(dropped.report.features.first { $0.name == "sbp" }?.convertedFrom.first?.unit == "mmHg")

        let bounded = try run(censored: "bound")
        #expect(bounded.rows.map { $0.values[5] } == [60, 45, 15])
        #expect(ColumnLayout(study: bounded.study).names.last == "egfr")

        let flagged = try run(censored: "flag")
        let layout = ColumnLayout(study: flagged.study)
        #expect(layout.names.suffix(2) == ["egfr", "egfr_censored"])
        let encoded = CohortEncoder(study: flagged.study).encode(flagged.rows, imputation: Array(repeating: 0, count: 6))
        let width = encoded.featureCount
        #expect((0..<3).map { encoded.features[$0 * width + width - 1] } == [1, 0, 1])
        #expect((0..<3).map { encoded.features[$0 * width + width - 2] } == [60, 45, 15])
        let statistics = try FederatedStatistics(local: flagged, site: "s")
        #expect(statistics.standardization.mean.last == 0 && statistics.standardization.standardDeviation.last == 1)
    }

    @Test func studiesNameConversionsTheyMean() throws {
        let base = "study: t\nfeatures:\n  - {name: hba1c, kind: quantity, code: \"loinc:4548-4\", unit: \"%\", "
        let tail = "}\nlabel: {name: y, kind: condition, codes: [\"snomed:1\"]}\n"
        for (spec, message) in [
            ("convert: {\"mmol/mol\": hba1c_from_somewhere}", "not a conversion Cohort knows"),
            ("convert: {\"mg/dL\": hba1c_ifcc_to_ngsp}", "reads mmol/mol and gives %"),
            ("valence: 7", "valence is the ion's charge"),
            ("censored: guess", "is not one of drop, bound, flag")
        ] {
            do {
                _ = try TestData.study(base + spec + tail)
                Issue.record("accepted \(spec)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}
