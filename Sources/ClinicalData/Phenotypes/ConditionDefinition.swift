/// A condition as a study means it: which codes (exact codes and value sets, read through the
/// study's one-way code maps), which diagnoses count (verification status), and whether the
/// condition must still be active at the index date or only ever recorded.
///
/// Exports record more than confirmed, current diagnoses: FHIR Conditions carry
/// `verificationStatus` (provisional, differential, refuted, ...), `clinicalStatus` (active,
/// resolved, ...) and `abatement[x]`; Synthea's CSV a STOP date. Whether a resolved or a
/// provisional diagnosis counts is a choice of the study, written in the study file, so every
/// site applies the same one.
public struct ConditionDefinition: Hashable, Sendable {
    public var codes: [ClinicalCode]
    public var valueSets: [ValueSet]
    public var status: ConditionStatus
    /// The `verificationStatus` codes that count ("unknown": none recorded).
    public var verification: Set<VerificationStatus>

    public static let defaultVerification: Set<VerificationStatus> = [.confirmed, .unknown]

    public init(
        codes: [ClinicalCode] = [], valueSets: [ValueSet] = [], status: ConditionStatus = .everRecorded,
        verification: Set<VerificationStatus> = ConditionDefinition.defaultVerification
    ) {
        self.codes = codes
        self.valueSets = valueSets
        self.status = status
        self.verification = verification
    }

    /// Whether `code` means this condition: listed, in a value set, or mapped (one way, through
    /// `map`) to a code that is.
    public func matches(_ code: ClinicalCode, map: CodeMap) -> Bool {
        if matchesDirectly(code) { return true }
        return map.targets(of: code).contains(where: matchesDirectly)
    }

    private func matchesDirectly(_ code: ClinicalCode) -> Bool {
        codes.contains { ValueSet.Pattern.code($0).matches(code) } || valueSets.contains { $0.contains(code) }
    }

    /// The code systems a record must use to match (the map's source systems are added by the index).
    public var systems: [CodeSystem] {
        var seen = [CodeSystem]()
        for system in codes.map(\.system) + valueSets.flatMap(\.systems) where !seen.contains(system) { seen.append(system) }
        return seen
    }

    /// A name for reports: the value sets and codes.
    public var summary: String {
        (valueSets.map { "value set \($0.name) (\($0.version))" } + codes.map(\.description)).joined(separator: ", ")
    }
}

/// Which recorded conditions count at the index date.
public enum ConditionStatus: String, Hashable, Sendable, CaseIterable {
    /// Any record with its onset (or recorded date) at or before the index date, resolved or not.
    case everRecorded = "ever_recorded"
    /// Recorded at or before the index date and not abated by then: no abatement date at or
    /// before it, and, without a date, not marked resolved, inactive or in remission (the export
    /// says it ended and not when, so it is not taken as active).
    case activeAtIndex = "active_at_index"
}

/// FHIR R4 `Condition.verificationStatus` (http://terminology.hl7.org/CodeSystem/condition-ver-status),
/// plus `unknown` for a record without one (Synthea's CSV, mapped CSV).
public enum VerificationStatus: String, Hashable, Sendable, CaseIterable, Comparable {
    case unconfirmed, provisional, differential, confirmed, refuted
    case enteredInError = "entered-in-error"
    case unknown

    public static func < (lhs: VerificationStatus, rhs: VerificationStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Never a diagnosis, whatever the study says.
    public var isNegated: Bool { self == .refuted || self == .enteredInError }
}

/// What an export says about one condition record, beyond its codes.
struct ConditionRecordStatus: Sendable {
    var verification: VerificationStatus
    /// When it abated; nil when it has not (or the export does not say).
    var abatement: Int64?
    /// `clinicalStatus` resolved, inactive or remission: ended, perhaps without a date.
    var ended: Bool

    static let unknown = ConditionRecordStatus(verification: .unknown, abatement: nil, ended: false)

    /// The value a condition event carries: the abatement instant, +infinity while active,
    /// -infinity when it ended at an unknown time.
    var eventValue: Double {
        if let abatement { return Double(abatement) }
        return ended ? -.infinity : .infinity
    }
}
