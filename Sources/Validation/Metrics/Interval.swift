/// A point estimate with its 95 % confidence interval, as every interval in the report is
/// written (`{estimate, ci_low, ci_high}` in validation.json).
public struct Interval: Hashable, Sendable, Codable {
    public var estimate: Double
    public var ciLow: Double
    public var ciHigh: Double

    public init(estimate: Double, ciLow: Double, ciHigh: Double) {
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
    }

    /// The normal-theory interval `estimate ± z * standardError`, clipped to `bounds`.
    public init(estimate: Double, standardError: Double, within bounds: ClosedRange<Double> = -.infinity ... .infinity) {
        let half = Confidence.z95 * standardError
        self.init(estimate: estimate, ciLow: max(bounds.lowerBound, estimate - half), ciHigh: min(bounds.upperBound, estimate + half))
    }

    /// Whether every number is finite: a computation that produced NaN or infinity is never
    /// reported as a number (the caller reports it as not estimable instead).
    public var isFinite: Bool { estimate.isFinite && ciLow.isFinite && ciHigh.isFinite }
}

/// The confidence level of every interval in the report.
public enum Confidence {
    /// The standard normal quantile at 0.975: two-sided 95 % intervals.
    public static let z95 = 1.959963984540054
    public static let description = "95 %"
}

/// A metric that could not be computed, with the reason a reader sees in its place.
public struct NotEstimable: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
