import Learning

/// What the federation agrees on before training, computed from the sites' summed summaries:
/// the values that fill in missing data and the mean and standard deviation of every model
/// column for standardization.
///
/// Everything derives from one round of additive summaries. Imputation fills a feature's
/// missing values with one constant m (the median from the summed histogram, or the mode),
/// so the moments after imputation follow exactly from those before it:
/// sum' = sum + k (m - c) and sum2' = sum2 + k (m - c)^2 for k missing values and shift c.
/// Indicator and one-hot columns are 0/1, so their moments are counts. No second round and
/// no row is needed.
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
            throw ClinicalDataError.schemaMismatch(path: "summaries of \(summary.sites.joined(separator: ", "))",
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
            } else {
                // The median; without a histogram (no plausible range), the mean.
                imputation.append(features.median ?? features.moments.mean)
            }
        }
        self.imputation = imputation

        var means = [Float]()
        var deviations = [Float]()
        for column in layout.columns {
            let features = summary.features[column.feature]
            let n = features.rows
            let missing = features.missing
            let fill = imputation[column.feature]
            var moments: MomentSums
            switch column {
            case .value:
                moments = features.moments
                if missing > 0, let fill { moments = moments.adding(fill, times: missing) }
            case .indicator:
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
            means.append(Float(moments.mean ?? 0))
            deviations.append(Float((moments.variance ?? 0).squareRoot()))
        }
        standardization = FeatureStatistics(mean: means, standardDeviation: deviations)
    }

    /// Statistics computed from one site's own rows (a site preparing alone).
    public init(local cohort: HarmonizedCohort, site: String) throws {
        try self.init(study: cohort.study, summaries: [SiteSummary(cohort: cohort, site: site)])
    }

    /// Imputation values with a fallback for features no site has data for (the centre of the
    /// plausible range, else 0), so encoding never meets a hole.
    public var imputationValues: [Double] {
        zip(study.features, imputation).map { feature, value in value ?? feature.plausible?.center ?? 0 }
    }
}
