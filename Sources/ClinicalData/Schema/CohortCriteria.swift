/// Who enters the study. Every patient who does not is counted under the first criterion
/// they fail, so the report explains where the cohort went.
public struct CohortCriteria: Hashable, Sendable {
    /// Inclusive bounds on age in completed years at the index date.
    public var minimumAge: Int?
    public var maximumAge: Int?
    /// Days between the patient's first dated record and the index date.
    public var minimumHistoryDays: Int?
    /// Whether a patient who died before the index date is excluded.
    public var aliveAtIndex: Bool

    public init(minimumAge: Int? = nil, maximumAge: Int? = nil, minimumHistoryDays: Int? = nil, aliveAtIndex: Bool = true) {
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.minimumHistoryDays = minimumHistoryDays
        self.aliveAtIndex = aliveAtIndex
    }
}
