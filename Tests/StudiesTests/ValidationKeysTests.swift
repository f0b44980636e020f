import Federation
import Foundation
import Testing
import Validation

@testable import Studies

/// The study keys of the clinical validation report, read and checked with the study.
@Suite("Validation keys of a study")
struct ValidationKeysTests {
    static func study(_ yaml: String) throws -> StudySpecification {
        try StudySpecification(yaml: "dataset: heart-disease\n" + yaml, file: "study.yaml")
    }

    @Test("thresholds and subgroups from the study reach the report's settings")
    func keysBecomeSettings() throws {
        let study = try Self.study("validation_thresholds: [0.5, 0.3]\nvalidation_subgroups: [age_band, sex]\nintended_use: triage").resolved()
        let settings = try study.validationSettings()
        #expect(settings.thresholds == [0.3, 0.5])
        #expect(settings.subgroups == [.sex, .ageBand])
        #expect(study.intendedUse == "triage")
        // The report command's options replace the keys.
        #expect(try study.validationSettings(thresholds: [0.2]).thresholds == [0.2])
        #expect(try study.validationSettings().subgroups == [.sex, .ageBand])
    }

    @Test("a threshold outside (0, 1), off the bin grid, or an unknown attribute is refused with its key")
    func badKeysAreRefused() throws {
        for (yaml, key, words) in [
            ("validation_thresholds: [0.2, 1.5]", "validation_thresholds", "outside (0, 1)"),
            ("validation_thresholds: [0]", "validation_thresholds", "outside (0, 1)"),
            ("validation_thresholds: [0.12345]", "validation_thresholds", "not a multiple of 0.001"),
            ("validation_subgroups: [income]", "validation_subgroups", "unknown patient attribute 'income'")
        ] {
            let specification = try Self.study(yaml)
            let error = #expect(throws: StudyError.self) { try specification.resolved() }
            #expect(error?.key == key, "\(yaml)")
            #expect(error?.message.contains(words) == true, "\(yaml): \(error?.message ?? "")")
        }
        #expect(throws: (any Error).self) { try Self.study("validation_thresholds: [low]") }
    }
}
