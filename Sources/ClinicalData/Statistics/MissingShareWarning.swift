/// The coordinator's warning about a site where a feature is mostly missing, raised from the
/// site's summary before imputation fills the gaps with the federation's median and hides them.
///
/// A site whose export lacks a lab altogether (a unit the study refuses, a code it does not use)
/// otherwise trains on the federation's median for every patient, and nobody notices. The
/// threshold is the study's `missing.warn_above` (default: more than half of the site's
/// patients), the same share that flags the feature in the site's own quality report. The words
/// give no count: the share is only said to be above the threshold.
public struct MissingShareWarning: Hashable, Sendable, CustomStringConvertible {
    public var site: String
    public var feature: String
    public var threshold: Double

    public var description: String {
        "site \(site): \(feature) is missing for more than \(QualityReport.percent(threshold)) of its patients (before imputation)"
    }

    /// The warnings for one site's summary (nothing for a summary of several sites, whose
    /// shares are no longer any one site's).
    public static func warnings(for summary: SiteSummary, study: StudySchema) -> [MissingShareWarning] {
        guard summary.sites.count == 1 else { return [] }
        return zip(study.features, summary.features).compactMap { feature, counts in
            guard feature.canBeMissing,
                QualityReport.exceeds(missing: counts.missing, eligible: counts.rows, share: study.missingWarningShare)
            else { return nil }
            return MissingShareWarning(site: summary.sites[0], feature: feature.name, threshold: study.missingWarningShare)
        }
    }
}
