/// One feature's additive statistics at one site (or summed over several).
public struct FeatureSummary: Codable, Hashable, Sendable {
    public var name: String
    /// Patients in the cohort.
    public var rows: Int
    /// Patients with a value.
    public var present: Int
    /// Of the present values (category positions for categorical features).
    public var moments: MomentSums
    /// Over the plausible range, for numeric features that have one.
    public var histogram: FixedBinHistogram?
    /// Patients per category, for categorical features.
    public var categoryCounts: [Int]?
    /// Not additive but combinable (min of mins); each is one patient's value, so neither
    /// appears in shared reports. Dropped when summaries travel under secure aggregation.
    public var minimum: Double?
    public var maximum: Double?

    public init(feature: FeatureDefinition, values: [Double]) {
        name = feature.name
        rows = values.count
        let present = values.filter { !$0.isNaN }
        self.present = present.count
        moments = MomentSums(shift: feature.plausible?.center ?? 0, values: present)
        if feature.isCategorical {
            categoryCounts = feature.categories.indices.map { position in present.filter { $0 == Double(position) }.count }
        } else if let range = feature.plausible {
            var histogram = FixedBinHistogram(range: range, bins: feature.bins)
            for value in present { histogram.add(value) }
            self.histogram = histogram
        }
        minimum = present.min()
        maximum = present.max()
    }

    /// The sum of two sites' summaries of the same feature.
    public static func + (lhs: FeatureSummary, rhs: FeatureSummary) -> FeatureSummary {
        var sum = lhs
        sum.rows += rhs.rows
        sum.present += rhs.present
        sum.moments = lhs.moments + rhs.moments
        if let left = lhs.histogram, let right = rhs.histogram { sum.histogram = left + right }
        if let left = lhs.categoryCounts, let right = rhs.categoryCounts { sum.categoryCounts = zip(left, right).map(+) }
        sum.minimum = [lhs.minimum, rhs.minimum].compactMap { $0 }.min()
        sum.maximum = [lhs.maximum, rhs.maximum].compactMap { $0 }.max()
        return sum
    }

    public var missing: Int { rows - present }

    /// The median from the histogram (numeric), nil without one.
    public var median: Double? { histogram?.quantile(0.5) }

    /// The most frequent category's position (ties: the first listed), nil when none present.
    public var mode: Int? {
        guard let counts = categoryCounts, let best = counts.max(), best > 0 else { return nil }
        return counts.firstIndex(of: best)
    }
}
