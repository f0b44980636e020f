/// The data-quality report of one site and source, with exact counts.
///
/// This version stays at the site (`cohort data check --output report.json`): it lists
/// individual problem records by file and resource id so they can be fixed. What is shared
/// is `SharedQualityReport`, which suppresses small counts and drops the record list.
public struct QualityReport: Codable, Sendable, Hashable {
    public struct Study: Codable, Sendable, Hashable {
        public var id: String
        public var title: String
        public var sha256: String
        public var indexDate: String
        public var missingValues: String
    }

    public struct Source: Codable, Sendable, Hashable {
        public var kind: String
        public var paths: [String]
    }

    public struct Files: Codable, Sendable, Hashable {
        public var read: Int
        public var failed: Int
        public var bytes: Int
    }

    public struct Exclusion: Codable, Sendable, Hashable {
        public var reason: String
        public var count: Int
    }

    public struct Patients: Codable, Sendable, Hashable {
        /// Patient resources (FHIR) or patient rows (CSV) read, duplicates included.
        public var read: Int
        /// In the dataset.
        public var kept: Int
        /// Met the cohort criteria and had a label (kept + dropped for missing values).
        public var eligible: Int
        /// Why the others are not in the dataset, largest first.
        public var excluded: [Exclusion]
    }

    public struct UnitCount: Codable, Sendable, Hashable {
        public var unit: String
        public var count: Int
    }

    public struct Feature: Codable, Sendable, Hashable {
        public var name: String
        public var kind: String
        public var unit: String?
        public var aggregation: String?
        /// Matching records read (measurements, diagnoses, ...).
        public var records: Int
        /// Eligible patients with a value.
        public var present: Int
        /// Eligible patients without one (before imputation or complete-case exclusion).
        public var missing: Int
        public var missingFraction: Double
        /// Measurements outside the plausible range, and how many of those were discarded.
        public var outOfRange: Int
        public var outOfRangeDiscarded: Int
        public var plausibleRange: [Double]?
        /// Measurements converted to the canonical unit, by the unit they came in.
        public var convertedFrom: [UnitCount]
        /// Measurements refused because their unit could not be converted.
        public var rejectedUnits: [UnitCount]
        /// Values that matched none of the categories.
        public var unknownCategories: Int
        /// Among kept patients with a value (numeric features).
        public var mean: Double?
        public var median: Double?
        public var minimum: Double?
        public var maximum: Double?
        /// Kept patients per category (categorical features).
        public var categories: [UnitCount]?
    }

    public struct Label: Codable, Sendable, Hashable {
        public var name: String
        public var positive: Int
        public var negative: Int
        public var prevalence: Double?
    }

    public struct UnusedColumn: Codable, Sendable, Hashable {
        public var column: String
        public var code: String
    }

    public var format = "cohort-quality-report/1"
    public var study: Study
    public var source: Source
    public var files: Files
    public var rowsRead: Int
    public var resources: [UnitCount]
    /// Coded records (observations, conditions, ...) whose codes the study does not use.
    public var recordsNotInStudy: Int
    public var patients: Patients
    public var features: [Feature]
    public var label: Label
    public var unusedColumns: [UnusedColumn]
    /// Total skipped records, by kind, and the first `QualityTally.errorListLimit` in full.
    public var errorCount: Int
    public var errorsByKind: [UnitCount]
    public var errors: [RecordError]
    public var seconds: Double

    init(study schema: StudySchema, source: ClinicalSource, tally: QualityTally, rows: [PatientRow], excluded: [ExcludedPatient],
         seconds: Double) {
        let incomplete = excluded.compactMap(\.row)
        let eligible = rows.count + incomplete.count
        var exclusions = [ExclusionReason: Int]()
        for patient in excluded { exclusions[patient.reason, default: 0] += 1 }
        func counts(_ dictionary: [String: Int]) -> [UnitCount] {
            dictionary.map { UnitCount(unit: $0.key, count: $0.value) }.sorted { ($0.count, $1.unit) > ($1.count, $0.unit) }
        }
        study = Study(id: schema.id, title: schema.title, sha256: schema.sha256, indexDate: schema.indexDate.description,
                      missingValues: schema.missingValues.name)
        self.source = Source(kind: source.kind, paths: source.paths)
        files = Files(read: tally.filesRead, failed: tally.filesFailed, bytes: tally.bytesRead)
        rowsRead = tally.rowsRead
        resources = counts(tally.resourcesByType)
        recordsNotInStudy = tally.recordsNotInStudy
        patients = Patients(read: rows.count + excluded.count, kept: rows.count, eligible: eligible,
                            excluded: exclusions.map { Exclusion(reason: $0.key.description, count: $0.value) }
                                .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) })
        features = schema.features.enumerated().map { slot, feature in
            let slotTally = tally.slots[slot]
            let missing = (rows + incomplete).filter { $0.values[slot].isNaN }.count
            let values = rows.map { $0.values[slot] }.filter { !$0.isNaN }
            var summary = Feature(
                name: feature.name, kind: feature.kind.rawValue, unit: feature.unit,
                aggregation: feature.kind == .age || feature.kind == .sex ? nil : feature.aggregation.rawValue,
                records: slotTally.records, present: eligible - missing, missing: missing,
                missingFraction: eligible > 0 ? Double(missing) / Double(eligible) : 0,
                outOfRange: slotTally.outOfRange, outOfRangeDiscarded: slotTally.outOfRangeDiscarded,
                plausibleRange: feature.plausible.map { [$0.lowerBound, $0.upperBound] },
                convertedFrom: counts(slotTally.convertedFrom), rejectedUnits: counts(slotTally.rejectedUnits),
                unknownCategories: slotTally.unknownCategories)
            if feature.isCategorical {
                summary.categories = feature.categories.enumerated().map { position, category in
                    UnitCount(unit: category.name, count: values.filter { $0 == Double(position) }.count)
                }
            } else if !values.isEmpty {
                let sorted = values.sorted()
                summary.mean = values.reduce(0, +) / Double(values.count)
                summary.median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
                summary.minimum = sorted.first
                summary.maximum = sorted.last
            }
            return summary
        }
        let positive = rows.filter { $0.label == 1 }.count
        label = Label(name: schema.label.name, positive: positive, negative: rows.count - positive,
                      prevalence: rows.isEmpty ? nil : Double(positive) / Double(rows.count))
        unusedColumns = tally.unusedColumns.map { UnusedColumn(column: $0.key, code: $0.value) }.sorted { $0.column < $1.column }
        errorCount = tally.errorCount
        errorsByKind = counts(tally.errorsByKind)
        errors = tally.errors
        self.seconds = seconds
    }

    /// The report of everything an extractor has read (call `finish()` on it first).
    public init(extractor: CohortExtractor, source: ClinicalSource, seconds: Double) {
        self.init(study: extractor.study, source: source, tally: extractor.tally, rows: extractor.rows,
                  excluded: extractor.excluded, seconds: seconds)
    }

    /// Unit conversions applied, as "feature: from -> to (count)" lines for people.
    public var conversionLines: [String] {
        features.flatMap { feature in
            feature.convertedFrom.map { "\(feature.name): \($0.unit) -> \(feature.unit ?? "?") (\($0.count))" }
        }
    }
}
