import ClinicalData
import Foundation
import FuzzSupport

/// CSV as a site reads it: the whole input as one CSV file through the shipped UCI heart
/// mapping (`Harmonizer.run(.mappedCSV)`), and the input cut at NUL bytes into Synthea's
/// tables (patients, encounters, observations, conditions, medications) read by
/// `Harmonizer.run(.syntheaCSV)`.
enum CSVTarget {
    static let tables = ["patients.csv", "encounters.csv", "observations.csv", "conditions.csv", "medications.csv"]
    static let heart: (study: StudySchema, mapping: CSVMapping) = {
        do {
            return (try StudySchema.bundled("uci-heart-disease"), try CSVMapping.bundled("uci-heart-disease-processed"))
        } catch {
            fatalError("shipped study or mapping: \(error)")
        }
    }()
    static let synthea: StudySchema = {
        do { return try StudySchema.bundled("synthea-cardiovascular") } catch { fatalError("shipped study: \(error)") }
    }()
    static let mappedFolder = Scratch.folder("csv")
    static let syntheaFolder = Scratch.folder("synthea")

    static func run(_ input: FuzzInput) {
        let file = Scratch.write(input.data, "site.csv", in: mappedFolder)
        let parts = input.parts(separatedBy: 0, limit: tables.count)
        for (index, table) in tables.enumerated() {
            Scratch.write(index < parts.count ? parts[index] : Data(), table, in: syntheaFolder)
        }
        do {
            _ = try Harmonizer(study: heart.study).run(.mappedCSV([file], mapping: heart.mapping))
        } catch {
            // Refusals are answers; only a trap or a sanitizer report is a finding.
        }
        do {
            _ = try Harmonizer(study: synthea).run(.syntheaCSV(syntheaFolder))
        } catch {
            // As above.
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    CSVTarget.run(FuzzInput(start, count))
    return 0
}
