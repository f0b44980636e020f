/// The values a feature can take in a living patient, in the feature's canonical unit.
///
/// The range does two jobs: it catches disguised missing values and unit mistakes (a total
/// cholesterol of 0, a weight of 150 "kg" that was pounds), and it fixes the bins of the
/// federated histogram in advance, so every site bins identically without seeing each other's
/// data.
public struct PlausibleRange: Hashable, Sendable, Codable {
    public var lowerBound: Double
    public var upperBound: Double

    public init(_ lowerBound: Double, _ upperBound: Double) {
        precondition(lowerBound < upperBound, "empty plausible range")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    public func contains(_ value: Double) -> Bool { value >= lowerBound && value <= upperBound }

    /// The middle of the range: the shift used for numerically sound federated sums.
    public var center: Double { (lowerBound + upperBound) / 2 }
}

/// What happens to a measurement outside its plausible range.
public enum OutOfRangePolicy: String, Hashable, Sendable, CaseIterable, Codable {
    /// The measurement is discarded (counted in the report) and the feature may end up missing.
    case missing
    /// The value is kept and counted in the report, e.g. to reproduce a published protocol
    /// that kept it (FLamby keeps the cholesterol zeros of the Swiss and VA files).
    case keep
}
