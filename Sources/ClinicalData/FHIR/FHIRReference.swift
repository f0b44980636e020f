/// The patient id a FHIR reference points to.
///
/// Bundles refer to their patient as `urn:uuid:<id>` (Synthea) or `Patient/<id>`; bulk NDJSON
/// exports use `Patient/<id>`, sometimes with `/_history/<version>`. All become `<id>`, the
/// Patient resource's own `id`.
enum FHIRReference {
    static func patientID(_ reference: JSONString) -> String {
        if reference.hasPrefix("urn:uuid:") { return reference.dropFirst(9).text }
        if reference.hasPrefix("Patient/") {
            let rest = reference.dropFirst(8).text
            if let slash = rest.firstIndex(of: "/") { return String(rest[..<slash]) }
            return rest
        }
        return reference.text
    }
}
