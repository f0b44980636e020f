/// The date each patient's features are computed at ("last value before the index date"),
/// their age is counted at, and the label is judged against.
public enum IndexDate: Hashable, Sendable, CustomStringConvertible {
    /// The same calendar date for everyone (the start of that day, UTC).
    case fixed(CivilDate)
    /// The start of the patient's last encounter.
    case lastEncounter
    /// The patient's last dated record; for undated extracts (one row per patient, as the UCI
    /// files are) every value is taken as current.
    case lastRecord

    public var description: String {
        switch self {
        case .fixed(let date): date.description
        case .lastEncounter: "last_encounter"
        case .lastRecord: "last_record"
        }
    }
}
