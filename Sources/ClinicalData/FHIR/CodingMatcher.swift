/// Matches FHIR codings against the study's codes without building strings for codings the
/// study cannot use: the system URI is compared as bytes against the few systems the study
/// names, and only then is the code looked up.
struct CodingMatcher {
    let index: StudyIndex
    private let systems: [(bytes: [UInt8], system: CodeSystem)]

    init(index: StudyIndex) {
        self.index = index
        systems = index.systems.map { (Array($0.uri.utf8), $0) }
    }

    func system(_ bytes: JSONString) -> CodeSystem? {
        for candidate in systems where bytes.equals(candidate.bytes) { return candidate.system }
        return nil
    }

    /// Slots fed by a `CodeableConcept`'s codings, appended to `slots`.
    func match(system: JSONString?, code: JSONString?, kind: StudyIndex.RecordKind, into slots: inout [Int32]) {
        guard let system, let code, let known = self.system(system) else { return }
        for slot in index.slots(for: ClinicalCode(known, code.text), in: kind) where !slots.contains(slot) {
            slots.append(slot)
        }
    }

    /// Every coding as a `ClinicalCode` (for categorical values), when its system is one the study uses.
    func code(system: JSONString?, code: JSONString?) -> ClinicalCode? {
        guard let system, let code, let known = self.system(system) else { return nil }
        return ClinicalCode(known, code.text)
    }
}
