/// Why a patient read from the export is not in the study's dataset. A patient is counted
/// under the first reason that applies, in the order the cases are listed.
public enum ExclusionReason: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A second Patient with an id already read (the first is kept).
    case duplicate
    /// Records refer to a patient the export has no Patient resource or row for.
    case noDemographics
    case noBirthDate
    case bornAfterIndex
    case diedBeforeIndex
    case youngerThan(Int)
    case olderThan(Int)
    case shortHistory(days: Int)
    case noIndexDate
    case labelMissing
    /// Complete-case studies drop patients missing a feature (named: the first missing one).
    case missingValue(feature: String)

    /// Eligible but dropped for a missing value (complete-case studies).
    public var isMissingValue: Bool {
        if case .missingValue = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .duplicate: "duplicate patient (same id read twice; first kept)"
        case .noDemographics: "records without a Patient resource or row"
        case .noBirthDate: "birth date missing"
        case .bornAfterIndex: "born after the index date"
        case .diedBeforeIndex: "died before the index date"
        case .youngerThan(let age): "younger than \(age) at the index date"
        case .olderThan(let age): "older than \(age) at the index date"
        case .shortHistory(let days): "less than \(days) days of records before the index date"
        case .noIndexDate: "no dated record to take an index date from"
        case .labelMissing: "label missing"
        case .missingValue(let feature): "missing \(feature) (complete-case study)"
        }
    }
}

/// A patient read from the export but not kept.
public struct ExcludedPatient: Sendable, Hashable {
    public var reason: ExclusionReason
    public var place: PatientPlace
    public var file: String
    /// The computed values, for patients excluded only for a missing value (complete-case
    /// studies): they count towards each feature's missingness.
    public var row: PatientRow?
}
