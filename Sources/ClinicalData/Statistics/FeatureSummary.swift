/// One feature's additive statistics at one site (or summed over several), as the site sends
/// them to the coordinator.
///
/// Counts are exact (sums must add up, and the coordinator learns each site's size from
/// training anyway), but nothing in it is one patient's value: no minimum or maximum, a
/// histogram coarsened until every merged bin holds 0 or at least `threshold` values (no
/// weight at all below `threshold` values), and shifted sums only over at least `threshold`
/// values (over one or two values they are the values). See docs/disclosure-control.md.
public struct FeatureSummary: Codable, Hashable, Sendable {
    public var name: String
    /// Patients in the cohort.
    public var rows: Int
    /// Patients with a value.
    public var present: Int
    /// Of the present values (category positions for categorical features); empty (count 0)
    /// when a site has fewer than `threshold` of them.
    public var moments: MomentSums
    /// Over the plausible range, for numeric features that have one.
    public var histogram: CoarsenedHistogram?
    /// Patients per category, for categorical features.
    public var categoryCounts: [Int]?

    /// `rule` nil: nothing coarsened, for statistics that stay at the site (a site preparing alone).
    public init(feature: FeatureDefinition, values: [Double], rule: SmallCellRule? = SmallCellRule()) {
        name = feature.name
        rows = values.count
        let present = values.filter { !$0.isNaN }
        self.present = present.count
        let shift = feature.plausible?.center ?? 0
        moments = rule?.hides(present.count) == true ? MomentSums(shift: shift) : MomentSums(shift: shift, values: present)
        if feature.isCategorical {
            categoryCounts = feature.categories.indices.map { position in present.filter { $0 == Double(position) }.count }
        } else if let range = feature.plausible {
            var histogram = FixedBinHistogram(range: range, bins: feature.bins)
            for value in present { histogram.add(value) }
            self.histogram = CoarsenedHistogram(histogram, threshold: rule?.threshold)
        }
    }

    /// The sum of two sites' summaries of the same feature.
    public static func + (lhs: FeatureSummary, rhs: FeatureSummary) -> FeatureSummary {
        var sum = lhs
        sum.rows += rhs.rows
        sum.present += rhs.present
        sum.moments = lhs.moments + rhs.moments
        if let left = lhs.histogram, let right = rhs.histogram { sum.histogram = left + right }
        if let left = lhs.categoryCounts, let right = rhs.categoryCounts { sum.categoryCounts = zip(left, right).map(+) }
        return sum
    }

    public var missing: Int { rows - present }

    /// Present values left out of the moments (sites with fewer than the threshold).
    public var unsummed: Int { present - moments.count }

    /// The median: the midpoint of the bin that holds it (numeric), nil without a histogram.
    public var median: Double? { histogram?.binMidpointQuantile(0.5) }

    /// The most frequent category's position (ties: the first listed), nil when none present.
    public var mode: Int? {
        guard let counts = categoryCounts, let best = counts.max(), best > 0 else { return nil }
        return counts.firstIndex(of: best)
    }
}
