/// The study's patients as read from one source, with the exact quality counts.
///
/// Stays at the site: rows are patient-level data. What may leave is derived from it: the
/// site summary for federated statistics and the small-cell-suppressed report.
public struct HarmonizedCohort: Sendable {
    public var study: StudySchema
    public var source: ClinicalSource
    /// Kept patients, in the order they were read.
    public private(set) var rows: [PatientRow]
    /// Patients read but not kept.
    public private(set) var excluded: [ExcludedPatient]
    /// The exact (local) quality report.
    public private(set) var report: QualityReport
    private let tally: QualityTally
    private let seconds: Double

    init(study: StudySchema, source: ClinicalSource, extractor: CohortExtractor, seconds: Double) {
        self.study = study
        self.source = source
        rows = extractor.rows
        excluded = extractor.excluded
        tally = extractor.tally
        self.seconds = seconds
        report = QualityReport(study: study, source: source, tally: tally, rows: rows, excluded: excluded, seconds: seconds)
    }

    /// Throws `noRowsLeft` when no patient survived: a run that would train on nothing.
    public func requireRows() throws {
        guard rows.isEmpty else { return }
        let reasons = report.patients.excluded.sorted { $0.count > $1.count }.prefix(3)
            .map { "\($0.count) \($0.reason)" }.joined(separator: ", ")
        let detail =
            report.patients.read == 0
            ? "no patients read; \(report.errorCount) errors"
            : "\(report.patients.read) read, all excluded: \(reasons)"
        throw ClinicalDataError.noRowsLeft(source: source.description, detail: detail)
    }

    /// A share of the cohort (a site cut from the export): its kept and excluded patients,
    /// with the report's patient, feature and label counts recomputed for them. File, record
    /// and error counts stay those of the whole export, which was read once.
    public func restricted(rows: [PatientRow], excluded: [ExcludedPatient]) -> HarmonizedCohort {
        var copy = self
        copy.rows = rows
        copy.excluded = excluded
        copy.report = QualityReport(study: study, source: source, tally: tally, rows: rows, excluded: excluded, seconds: seconds)
        return copy
    }
}
