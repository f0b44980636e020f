import Learning

/// What the federation agrees on before training, computed from the sites' summed summaries:
/// the values that fill in missing data and the mean and standard deviation of every model
/// column for standardization.
///
/// Everything derives from one round of additive summaries. Imputation fills a feature's
/// missing values with one constant m (the midpoint of the bin holding the summed histogram's
/// median, the majority value of a yes/no feature, or the mode), so the moments after
/// imputation follow exactly from those before it: sum' = sum + k (m - c) and
/// sum2' = sum2 + k (m - c)^2 for k filled values and shift c. No second round and no row is
/// needed.
///
/// What a site receives (its prepared file's header) is only what it needs, so that it learns
/// nothing about the other sites' patients (docs/disclosure-control.md): 0/1 columns
/// (indicators, one-hot categories, yes/no features) are not standardized at all, because a
/// 0/1 column's mean and standard deviation give the federation's size and count of ones, and
/// with its own counts a site would have the others'; the other columns' mean and standard
/// deviation are rounded to four significant digits, which changes nothing in training.
public struct FederatedStatistics: Sendable {
    public let study: StudySchema
    public let layout: ColumnLayout
    /// The summed summary it was computed from.
    public let summary: SiteSummary
    /// Per feature: the value that replaces a missing one (a category's position for
    /// categorical features); nil for features that are never missing or have no data.
    public let imputation: [Double?]
    /// Per model column, after imputation.
    public let standardization: FeatureStatistics

    /// Combines site summaries (already summed or not) for `study`.
    public init(study: StudySchema, summaries: [SiteSummary]) throws {
        let summary = try SiteSummary.combining(summaries)
        guard summary.studyHash == study.sha256 else {
            throw ClinicalDataError.schemaMismatch(
                path: "summaries of \(summary.sites.joined(separator: ", "))",
                expected: study.sha256, found: summary.studyHash)
        }
        self.study = study
        self.summary = summary
        layout = ColumnLayout(study: study)
        var imputation = [Double?]()
        for (feature, features) in zip(study.features, summary.features) {
            guard feature.canBeMissing, features.present > 0 else {
                imputation.append(nil)
                continue
            }
            if feature.isCategorical {
                imputation.append(features.mode.map(Double.init))
            } else if feature.isYesNo, let histogram = features.histogram {
                // The majority value: the upper half of a [0, 1] range holds the ones.
                let half = histogram.weights.count / 2
                let ones = histogram.weights[half...].reduce(histogram.above, +)
                imputation.append(ones * 2 > histogram.total ? 1 : 0)
            } else {
                // The median's bin; without a histogram (no plausible range), the mean.
                imputation.append(features.median ?? features.moments.mean)
            }
        }
        self.imputation = imputation

        var means = [Float]()
        var deviations = [Float]()
        for column in layout.columns {
            let feature = study.features[column.feature]
            guard !Self.isZeroOne(column, feature) else {
                means.append(0)
                deviations.append(1)
                continue
            }
            let features = summary.features[column.feature]
            let n = features.rows
            let missing = features.missing
            let fill = imputation[column.feature]
            var moments: MomentSums
            switch column {
            case .value:
                // The values a small site kept out of its sums are left out (they are like the
                // others, not like the fill); the missing ones are the fill value in the data.
                guard features.moments.count > 0 else {
                    // No site has 11 values: the scale is unknown, so the column is centred on
                    // the fill value and not scaled.
                    means.append(Float((fill ?? feature.plausible?.center ?? 0).rounded(significantDigits: 4)))
                    deviations.append(1)
                    continue
                }
                moments = features.moments
                if missing > 0, let fill { moments = moments.adding(fill, times: missing) }
            case .indicator, .censored:
                // Not reached: 0/1 columns are left unstandardized above.
                moments = MomentSums(shift: 0, count: n, sum: Double(missing), sumOfSquares: Double(missing))
            case .category(_, let position):
                var count = features.categoryCounts?[position] ?? 0
                if let fill, Int(fill) == position { count += missing }
                moments = MomentSums(shift: 0, count: n, sum: Double(count), sumOfSquares: Double(count))
            case .categoryIndex:
                var counts = features.categoryCounts ?? []
                if let fill, counts.indices.contains(Int(fill)) { counts[Int(fill)] += missing }
                let sum = counts.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) }
                let squares = counts.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.offset * $1.element) }
                moments = MomentSums(shift: 0, count: n, sum: sum, sumOfSquares: squares)
            }
            let deviation = (moments.variance ?? 0).squareRoot()
            means.append(Float((moments.mean ?? 0).rounded(significantDigits: 4)))
            // A constant column keeps its scale rather than being divided by zero.
            deviations.append(deviation > 0 ? Float(deviation.rounded(significantDigits: 4)) : 1)
        }
        standardization = FeatureStatistics(mean: means, standardDeviation: deviations)
    }

    /// Whether a column only ever holds 0 and 1 (before imputation fills it with one of them).
    static func isZeroOne(_ column: ColumnLayout.Column, _ feature: FeatureDefinition) -> Bool {
        switch column {
        case .indicator, .category, .censored: true
        case .categoryIndex: feature.categories.count <= 2
        case .value: feature.isYesNo
        }
    }

    /// Features the federation knows next to nothing about: some site has values, but none has
    /// 11 or more, so no site sent their distribution or sums; their fill value is the middle of
    /// the plausible range (or 0) and their column is only centred.
    public var uninformed: [String] {
        zip(study.features, summary.features).compactMap { feature, counts in
            !feature.isCategorical && counts.present > 0 && counts.moments.count == 0 && (counts.histogram?.total ?? 0) == 0 ? feature.name : nil
        }
    }

    /// Statistics computed from one site's own rows (a site preparing alone): nothing leaves
    /// the site, so nothing is coarsened.
    public init(local cohort: HarmonizedCohort, site: String) throws {
        try self.init(study: cohort.study, summaries: [SiteSummary(cohort: cohort, site: site, rule: nil)])
    }

    /// Imputation values with a fallback for features no site has data for (the centre of the
    /// plausible range, else 0), so encoding never meets a hole.
    public var imputationValues: [Double] {
        zip(study.features, imputation).map { feature, value in value ?? feature.plausible?.center ?? 0 }
    }
}
