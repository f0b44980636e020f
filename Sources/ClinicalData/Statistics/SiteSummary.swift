import Foundation

/// What a site sends the coordinator for federated statistics: per-feature additive sums and
/// histograms of its cohort, never a row.
///
/// Combining is addition (`SiteSummary.combining`), so the coordinator's result is the same
/// as if it had seen the pooled rows, up to histogram resolution for quantiles. The counts
/// inside are exact, not small-cell suppressed: suppression would break the sums. A summary
/// is therefore meant for the coordinator only (and, once secure aggregation lands, only its
/// sum with the other sites' is ever revealed); it is not a publication.
public struct SiteSummary: Codable, Hashable, Sendable {
    public var format = "cohort-site-summary/1"
    public var study: String
    public var studyHash: String
    /// The sites whose data it sums.
    public var sites: [String]
    public var rows: Int
    public var labelPositive: Int
    public var features: [FeatureSummary]

    /// `rule` nil: nothing coarsened, for statistics that never leave the site.
    public init(cohort: HarmonizedCohort, site: String, rule: SmallCellRule? = SmallCellRule()) {
        self.init(study: cohort.study, rows: cohort.rows, site: site, rule: rule)
    }

    /// The summary of a site's kept rows.
    public init(study: StudySchema, rows: [PatientRow], site: String, rule: SmallCellRule? = SmallCellRule()) {
        self.study = study.id
        studyHash = study.sha256
        sites = [site]
        self.rows = rows.count
        labelPositive = rows.filter { $0.label == 1 }.count
        features = study.features.enumerated().map { slot, feature in
            FeatureSummary(feature: feature, values: rows.map { $0.values[slot] }, rule: rule)
        }
    }

    /// The federation's summary: the sum of the sites'. Refuses summaries made with different
    /// study files, or a site counted twice.
    public static func combining(_ summaries: [SiteSummary]) throws -> SiteSummary {
        guard var total = summaries.first else { throw ClinicalDataError.invalidOption("no site summaries to combine") }
        for summary in summaries.dropFirst() {
            guard summary.studyHash == total.studyHash, summary.features.count == total.features.count else {
                throw ClinicalDataError.schemaMismatch(
                    path: "summary of \(summary.sites.joined(separator: ","))",
                    expected: total.studyHash, found: summary.studyHash)
            }
            if let repeated = summary.sites.first(where: total.sites.contains) {
                throw ClinicalDataError.invalidOption("site '\(repeated)' appears in two summaries; each site's summary may be added once")
            }
            total.sites += summary.sites
            total.rows += summary.rows
            total.labelPositive += summary.labelPositive
            total.features = zip(total.features, summary.features).map(+)
        }
        return total
    }

    /// Reads a summary JSON written by `cohort data summarize` (snake_case keys).
    public static func load(from url: URL) throws -> SiteSummary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ClinicalDataError.sourceNotFound(path: url.path, remedy: "pass a summary written by `cohort data summarize`")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let summary = try decoder.decode(SiteSummary.self, from: data)
            guard summary.format == "cohort-site-summary/1" else {
                throw ClinicalDataError.invalidSummary(path: url.path, problem: "format '\(summary.format)' is not cohort-site-summary/1")
            }
            return summary
        } catch let error as ClinicalDataError {
            throw error
        } catch {
            throw ClinicalDataError.invalidSummary(path: url.path, problem: "not a site summary (\(error.localizedDescription))")
        }
    }
}
