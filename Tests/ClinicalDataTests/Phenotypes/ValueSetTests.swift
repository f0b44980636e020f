import Foundation
import Testing

@testable import ClinicalData

/// Conditions named by value sets: ICD-10-CM families with exclusions, SNOMED CT concept
/// lists, one-way code maps.
struct ValueSetTests {
    private func code(_ text: String) -> ClinicalCode { ClinicalCode(parsing: text)! }

    @Test func familiesMatchEveryCodeBelowThem() throws {
        let diabetes = try ValueSet.bundled("type-2-diabetes")
        #expect(diabetes.contains(code("icd10cm:E11.65")))  // with hyperglycemia: labelled negative by an exact E11.9 list
        #expect(diabetes.contains(code("icd10cm:E11.9")) && diabetes.contains(code("icd10cm:e1165")))
        #expect(!diabetes.contains(code("icd10cm:E10.9")) && !diabetes.contains(code("icd10cm:E13.9")))
        let hypertension = try ValueSet.bundled("hypertension")
        #expect(hypertension.contains(code("icd10cm:I11.9")))  // hypertensive heart disease without heart failure
        #expect(hypertension.contains(code("icd10cm:I10")) && hypertension.contains(code("icd10cm:I1A.0")))
        #expect(!hypertension.contains(code("icd10cm:I20.9")))
        #expect(hypertension.contains(code("snomed:1201005")))  // benign essential hypertension
        #expect(!hypertension.contains(code("snomed:44054006")))
        let infarction = try ValueSet.bundled("myocardial-infarction")
        #expect(infarction.contains(code("icd10cm:I21.4")))  // NSTEMI
        #expect(infarction.contains(code("icd10cm:I21.A1")) && infarction.contains(code("icd10cm:I22.0")))
        #expect(!infarction.contains(code("icd10cm:I25.2")))  // old infarction is history, not the event
    }

    /// I48.x: every atrial fibrillation code, none of the flutter codes the family also holds.
    @Test func exclusionsCarveTheFlutterOutOfI48() throws {
        let fibrillation = try ValueSet.bundled("atrial-fibrillation")
        for text in ["I48.0", "I48.11", "I48.19", "I48.20", "I48.21", "I48.91"] {
            #expect(fibrillation.contains(code("icd10cm:\(text)")), "\(text)")
        }
        for text in ["I48.3", "I48.4", "I48.92"] {
            #expect(!fibrillation.contains(code("icd10cm:\(text)")), "\(text) is atrial flutter")
        }
        #expect(fibrillation.contains(code("snomed:282825002")))
    }

    @Test func everyShippedValueSetStatesItsSourceAndVersion() throws {
        #expect(ValueSet.bundledNames == ["atrial-fibrillation", "hypertension", "myocardial-infarction", "prediabetes", "type-2-diabetes"])
        for name in ValueSet.bundledNames {
            let set = try ValueSet.bundled(name)
            #expect(set.name == name)
            #expect(set.source.contains("ICD-10-CM FY2024") && set.version.contains("FY2024"), "\(name)")
            #expect(set.systems.contains(.icd10cm) && set.systems.contains(.snomed), "\(name)")
        }
    }

    /// The map runs one way: a SNOMED CT record is read as its ICD-10-CM target, and an
    /// ICD-10-CM code (E11.9: without complications) never stands for the SNOMED CT concept.
    @Test func codeMapsRunOneWay() throws {
        let map = try CodeMap.bundled("snomed-icd10cm")
        #expect(map.from == .snomed && map.to == .icd10cm)
        #expect(map.targets(of: code("snomed:44054006")) == [code("icd10cm:E11.9")])
        #expect(map.targets(of: code("icd10cm:E11.9")).isEmpty)
        // The header says what the table is, not a release it was not generated from.
        #expect(map.source.contains("not generated from a release"))
        let snomedOnly = ConditionDefinition(codes: [code("snomed:44054006")])
        #expect(!snomedOnly.matches(code("icd10cm:E11.9"), map: map))
        let icdOnly = ConditionDefinition(codes: [code("icd10cm:E11.9")])
        #expect(icdOnly.matches(code("snomed:44054006"), map: map))
        let family = ConditionDefinition(valueSets: [ValueSet(name: "t2", title: "", source: "test", version: "1", include: [.family(code("icd10cm:E11"))])])
        #expect(family.matches(code("snomed:44054006"), map: map))  // read as E11.9, in E11
    }

    @Test func valueSetFilesAreChecked() throws {
        try TestData.withScratchDirectory { folder in
            func load(_ text: String) throws -> ValueSet {
                let url = folder.appendingPathComponent("set.yaml")
                try Data(text.utf8).write(to: url)
                return try ValueSet.load(contentsOf: url)
            }
            let good = try load("value_set: x\nversion: \"1\"\nsource: test\ninclude: [\"icd10cm:E11*\", \"snomed:1\"]\nexclude: [\"icd10cm:E11.9\"]\n")
            #expect(good.include == [.family(code("icd10cm:E11")), .code(code("snomed:1"))] && good.exclude == [.code(code("icd10cm:E11.9"))])
            for (text, message) in [
                ("value_set: x\nversion: \"1\"\nsource: test\ninclude: [\"snomed:44054006*\"]\n", "families (a trailing *) are ICD-10-CM prefixes"),
                ("value_set: x\nversion: \"1\"\ninclude: [\"icd10cm:E11*\"]\n", "missing 'source'"),
                ("value_set: x\nsource: s\ninclude: [\"icd10cm:E11*\"]\n", "missing 'version'"),
                ("value_set: x\nversion: \"1\"\nsource: s\ninclude: [\"E11\"]\n", "is not a code")
            ] {
                #expect(throws: SchemaError.self, "\(message)") { try load(text) }
                do { _ = try load(text) } catch { #expect("\(error)".contains(message), "\(error)") }
            }
        }
    }

    @Test func studiesNameConditionsByValueSets() throws {
        let cardio = try TestData.cardiovascular()
        let label = try #require(cardio.label.condition)
        #expect(label.valueSets.map(\.name) == ["hypertension"])
        #expect(label.verification == [.confirmed, .unknown])
        #expect(cardio.feature(named: "diabetes_or_prediabetes")?.condition?.valueSets.map(\.name) == ["type-2-diabetes", "prediabetes"])
        let base = "study: t\nfeatures: [{name: age, kind: age}]\n"
        for (label, message) in [
            ("label: {name: y, kind: condition}", "needs value_sets"),
            ("label: {name: y, kind: condition, value_sets: [nonesuch]}", "no such shipped value set"),
            ("label: {name: y, kind: condition, value_sets: [hypertension], verification: [refuted]}", "never count as a diagnosis"),
            ("label: {name: y, kind: condition, value_sets: [hypertension], status: active_at_index, timing: after_index}", "needs timing: on_or_before_index"),
            ("label: {name: y, kind: condition, value_sets: [hypertension], status: current}", "is not one of ever_recorded, active_at_index")
        ] {
            do {
                _ = try TestData.study(base + label + "\n")
                Issue.record("accepted: \(label)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}
