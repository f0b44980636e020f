/// Intervals for proportions and their differences: sensitivity, specificity, PPV, NPV and
/// the observed risk of a reliability bin; the true-positive-rate gap between groups.
public enum Proportion {
    /// Wilson's score interval for `successes` out of `trials`: E. B. Wilson, "Probable
    /// inference, the law of succession, and statistical inference", JASA 22:209-212 (1927).
    /// Unlike the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1,
    /// which small clinical test sets reach (a sensitivity of 12/12).
    /// `centre = (p + z²/2n) / (1 + z²/n)`, `half = z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)`.
    public static func wilson(_ successes: Int, of trials: Int) throws(NotEstimable) -> Interval {
        guard trials > 0 else { throw NotEstimable("not defined: no patient in the denominator") }
        return wilsonInterval(successes, of: trials)
    }

    /// Wilson's interval for a denominator known to be positive.
    static func wilsonInterval(_ successes: Int, of trials: Int) -> Interval {
        precondition(trials > 0, "a proportion needs a positive denominator")
        let n = Double(trials), p = Double(successes) / n, z = Confidence.z95
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return Interval(estimate: p, ciLow: max(0, centre - half), ciHigh: min(1, centre + half))
    }

    /// The difference of two independent proportions `a - b` with Newcombe's hybrid score
    /// interval (R. G. Newcombe, "Interval estimation for the difference between independent
    /// proportions: comparison of eleven methods", Statistics in Medicine 17:873-890 (1998),
    /// method 10): with Wilson limits (l1, u1) and (l2, u2),
    /// `low = d - sqrt((p1 - l1)² + (u2 - p2)²)`, `high = d + sqrt((u1 - p1)² + (p2 - l2)²)`.
    public static func difference(_ a: (successes: Int, trials: Int), _ b: (successes: Int, trials: Int)) throws(NotEstimable) -> Interval {
        let first = try wilson(a.successes, of: a.trials)
        let second = try wilson(b.successes, of: b.trials)
        let p1 = first.estimate, p2 = second.estimate
        let d = p1 - p2
        let low = d - ((p1 - first.ciLow) * (p1 - first.ciLow) + (second.ciHigh - p2) * (second.ciHigh - p2)).squareRoot()
        let high = d + ((first.ciHigh - p1) * (first.ciHigh - p1) + (p2 - second.ciLow) * (p2 - second.ciLow)).squareRoot()
        return Interval(estimate: d, ciLow: low, ciHigh: high)
    }
}
