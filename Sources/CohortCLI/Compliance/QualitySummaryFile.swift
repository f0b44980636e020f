import ClinicalData
import Compliance
import Foundation

/// Reads `--quality` for the compliance report: either the shared quality report that
/// `cohort data check --shared` writes (recognized by its `format`), or a plain summary
/// (source, rows_read, rows_included, exclusions, missingness).
///
/// The shared report may leave the site only because its small counts are hidden ("<11",
/// with complementary suppression); the mapping copies each count as published, so nothing
/// the site suppressed is recomputed or shown here.
enum QualitySummaryFile {
    static let sharedFormat = "cohort-quality-report-shared/"

    static func read(_ path: String) throws -> DataQualitySummary {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CohortError("--quality: cannot read \(path): \(error.localizedDescription)")
        }
        if let format = Self.format(of: data), format.hasPrefix(sharedFormat) {
            do { return summary(of: try JSONOutput.decoder.decode(PublishedQualityReport.self, from: data)) } catch {
                throw CohortError("--quality: \(path) says it is \(format) but does not read as one (\(error)); write it again with cohort data check --shared")
            }
        }
        do { return try JSONOutput.decoder.decode(DataQualitySummary.self, from: data) } catch {
            throw CohortError(
                "--quality: \(path) is neither the output of cohort data check --shared nor a quality summary (source, rows_read, rows_included, exclusions, missingness)"
            )
        }
    }

    /// The report's data-quality section from the shared report: patients read and kept,
    /// exclusions by reason, and each feature's missingness (withheld where the rule hides it).
    static func summary(of shared: PublishedQualityReport) -> DataQualitySummary {
        DataQualitySummary(
            source: "cohort data check --shared (\(shared.sourceKind)), study \(shared.study.id)",
            schemaHash: shared.study.sha256,
            rowsRead: shared.patients.read, rowsIncluded: shared.patients.kept,
            exclusions: shared.patients.excluded.map { .init(reason: $0.name, rows: $0.count) },
            missingness: shared.features.map {
                .init(feature: $0.name, missingPercent: $0.missingFraction.map { $0 * 100 }, missing: $0.missing)
            },
            suppression: shared.suppression)
    }

    private static func format(of data: Data) -> String? {
        struct Header: Decodable { var format: String? }
        // Not JSON at all is reported by the summary decoder, with the expected fields.
        return (try? JSONDecoder().decode(Header.self, from: data))?.format
    }
}
