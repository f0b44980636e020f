import ClinicalData
import Foundation
import FuzzSupport

/// FHIR R4 input as a site reads it: the input is written both as a Bundle (`.json`) and as
/// bulk NDJSON (`.ndjson`) and read by `Harmonizer.run(.fhir)`, the JSON cursor and resource
/// reader, with a 64-byte buffer so that entries straddle refills and the buffer grows.
enum FHIRTarget {
    static let study: StudySchema = {
        do { return try StudySchema.bundled("synthea-cardiovascular") } catch { fatalError("shipped study: \(error)") }
    }()
    static let folder = Scratch.folder("fhir")

    static func run(_ input: FuzzInput) {
        Scratch.write(input.data, "bundle.json", in: folder)
        Scratch.write(input.data, "bulk.ndjson", in: folder)
        var harmonizer = Harmonizer(study: study)
        harmonizer.chunkSize = 64
        do {
            _ = try harmonizer.run(.fhir(folder))
        } catch {
            // A refused file is an answer; only a trap or a sanitizer report is a finding.
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FHIRTarget.run(FuzzInput(start, count))
    return 0
}
