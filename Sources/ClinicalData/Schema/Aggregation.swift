/// How a patient's many records of one feature become the single value a model sees.
public enum Aggregation: String, Hashable, Sendable, CaseIterable, Codable {
    /// The most recent value at or before the index date (the usual "latest lab").
    case last
    /// The mean of the values in the window.
    case mean
    case min
    case max
    /// How many records fall in the window (0 when none): never missing.
    case count
    /// 1 when at least one record falls in the window, else 0: never missing.
    case present

    /// Whether a patient with no records gets a value (0) rather than a missing value.
    public var definedWithoutRecords: Bool { self == .count || self == .present }
}
