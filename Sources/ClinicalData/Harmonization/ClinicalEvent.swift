/// One record of a patient that matters to the study, reduced to what aggregation needs.
///
/// Readers keep only these (24 bytes each) rather than resources, which is what keeps memory
/// bounded by the study's records instead of the export's size.
struct ClinicalEvent: Sendable {
    /// The feature (or label) slot, see `StudyIndex`.
    var slot: Int32
    /// A censored result kept at its bound (">60" as 60); fits in the slot's padding.
    var censored = false
    /// Seconds since the epoch; `ClinicalEvent.undated` for undated extracts.
    var time: Int64
    /// In the feature's canonical unit; a category's position for categorical features; 1 for
    /// conditions and medications.
    var value: Double

    static let undated = Int64.min

    init(slot: Int32, censored: Bool = false, time: Int64, value: Double) {
        self.slot = slot
        self.censored = censored
        self.time = time
        self.value = value
    }
}

/// Where a patient lives, as far as the export says: used to cut a population into sites.
public struct PatientPlace: Hashable, Sendable, Codable {
    public var city: String?
    /// FHIR `Address.district`; Synthea CSV `COUNTY`.
    public var county: String?
    public var postalCode: String?
    public var state: String?

    public init(city: String? = nil, county: String? = nil, postalCode: String? = nil, state: String? = nil) {
        self.city = city
        self.county = county
        self.postalCode = postalCode
        self.state = state
    }
}

/// Everything read about one patient so far.
struct PatientRecord {
    var id: String
    var hasDemographics = false
    var birthDate: CivilDate?
    /// Position among the sex feature's categories; nil when unknown.
    var sex: Int?
    var death: Int64?
    var place = PatientPlace()
    /// The file the Patient came from; for `--split-by file` and messages.
    var file: String
    var events: [ClinicalEvent] = []
    var encounters: [Int64] = []
    var firstDated: Int64?
    var lastDated: Int64?

    init(id: String, file: String) {
        self.id = id
        self.file = file
    }

    mutating func noteTime(_ time: Int64) {
        guard time != ClinicalEvent.undated else { return }
        if firstDated.map({ time < $0 }) ?? true { firstDated = time }
        if lastDated.map({ time > $0 }) ?? true { lastDated = time }
    }

    /// Adds what another part of the export said about the same patient.
    mutating func absorb(_ other: PatientRecord) {
        if !hasDemographics && other.hasDemographics {
            hasDemographics = true
            birthDate = other.birthDate
            sex = other.sex
            death = other.death
            place = other.place
            file = other.file
        }
        events += other.events
        encounters += other.encounters
        if let first = other.firstDated { noteTime(first) }
        if let last = other.lastDated { noteTime(last) }
    }
}
