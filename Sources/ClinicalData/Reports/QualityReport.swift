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
        /// Eligible but dropped for a missing value (complete-case studies).
        public var completeCase: Bool
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
        /// Measurements whose unit text is a known mislabel of the code's fixed unit (eGFR in
        /// "mL/min"), read in the fixed unit, by that text.
        public var acceptedMislabels: [UnitCount]
        /// Censored results (">60"): how the study treats them, and how many were dropped or kept at their bound.
        public var censoredPolicy: String?
        public var censoredDropped: Int
        public var censoredKept: Int
        /// Values that matched none of the categories.
        public var unknownCategories: Int
        /// Condition records left out because the study does not accept their verification status.
        public var recordsNotVerified: Int
        /// Kept patients with a value: what the mean, median and category counts are over.
        public var valueCount: Int
        /// Among kept patients with a value (numeric features).
        public var mean: Double?
        public var median: Double?
        /// The median from the study's fixed bins (the midpoint of the bin holding it): the
        /// form that may be published, since it is never a patient's value.
        public var binnedMedian: Double?
        public var minimum: Double?
        public var maximum: Double?
        /// Whether every value is a whole number (counts, flags): the values' sum is then a
        /// count of events, which the small-cell rule covers.
        public var integerValued: Bool
        /// Kept patients with 1 and with 0, when every value is 0 or 1 (conditions,
        /// medications, yes/no observations): a 0/1 feature is published as these two counts,
        /// never as a bare mean.
        public var binary: BinaryCounts?
        /// Kept patients per category (categorical features).
        public var categories: [UnitCount]?
        /// Missing for more than the study's `missing.warn_above` share of eligible patients.
        public var missingAboveWarningShare: Bool
    }

    public struct BinaryCounts: Codable, Sendable, Hashable {
        public var ones: Int
        public var zeros: Int
    }

    public struct Label: Codable, Sendable, Hashable {
        public var name: String
        public var positive: Int
        public var negative: Int
        public var prevalence: Double?
        /// For a condition label: how it is defined (value sets and codes), and the records left
        /// out for their verification status.
        public var definition: String?
        public var recordsNotVerified: Int
    }

    public struct UnusedColumn: Codable, Sendable, Hashable {
        public var column: String
        public var code: String
    }

    public var format = "cohort-quality-report/1"
    public var study: Study
    /// The share above which a feature's missingness is flagged (`missing.warn_above`).
    public var missingWarningShare: Double
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
    /// For people, before anything is imputed: e.g. a feature missing for most patients.
    public var warnings: [String]
    /// Condition codes seen here that look related to a study condition but are not in its
    /// definition (under-ascertainment).
    public var relatedCodes: [RelatedCode]
    /// Total skipped records, by kind, and the first `QualityTally.errorListLimit` in full.
    public var errorCount: Int
    public var errorsByKind: [UnitCount]
    public var errors: [RecordError]
    public var seconds: Double

    init(
        study schema: StudySchema, source: ClinicalSource, tally: QualityTally, rows: [PatientRow], excluded: [ExcludedPatient],
        seconds: Double
    ) {
        let incomplete = excluded.compactMap(\.row)
        let eligible = rows.count + incomplete.count
        var exclusions = [ExclusionReason: Int]()
        for patient in excluded { exclusions[patient.reason, default: 0] += 1 }
        func counts(_ dictionary: [String: Int]) -> [UnitCount] {
            dictionary.map { UnitCount(unit: $0.key, count: $0.value) }.sorted { ($0.count, $1.unit) > ($1.count, $0.unit) }
        }
        study = Study(
            id: schema.id, title: schema.title, sha256: schema.sha256, indexDate: schema.indexDate.description,
            missingValues: schema.missingValues.name)
        self.source = Source(kind: source.kind, paths: source.paths)
        files = Files(read: tally.filesRead, failed: tally.filesFailed, bytes: tally.bytesRead)
        rowsRead = tally.rowsRead
        resources = counts(tally.resourcesByType)
        recordsNotInStudy = tally.recordsNotInStudy
        patients = Patients(
            read: rows.count + excluded.count, kept: rows.count, eligible: eligible,
            excluded: exclusions.map { Exclusion(reason: $0.key.description, count: $0.value, completeCase: $0.key.isMissingValue) }
                .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) })
        missingWarningShare = schema.missingWarningShare
        features = schema.features.enumerated().map { slot, feature in
            let slotTally = tally.slots[slot]
            let missing = (rows + incomplete).filter { $0.values[slot].isNaN }.count
            let values = rows.map { $0.values[slot] }.filter { !$0.isNaN }
            let missingFraction = eligible > 0 ? Double(missing) / Double(eligible) : 0
            var summary = Feature(
                name: feature.name, kind: feature.kind.rawValue, unit: feature.unit,
                aggregation: feature.kind == .age || feature.kind == .sex ? nil : feature.aggregation.rawValue,
                records: slotTally.records, present: eligible - missing, missing: missing,
                missingFraction: missingFraction,
                outOfRange: slotTally.outOfRange, outOfRangeDiscarded: slotTally.outOfRangeDiscarded,
                plausibleRange: feature.plausible.map { [$0.lowerBound, $0.upperBound] },
                convertedFrom: counts(slotTally.convertedFrom), rejectedUnits: counts(slotTally.rejectedUnits),
                acceptedMislabels: counts(slotTally.acceptedMislabels),
                censoredPolicy: feature.kind == .quantity ? feature.censored.rawValue : nil,
                censoredDropped: slotTally.censoredDropped, censoredKept: slotTally.censoredKept,
                unknownCategories: slotTally.unknownCategories, recordsNotVerified: slotTally.notVerified, valueCount: values.count,
                integerValued: values.allSatisfy { $0 == $0.rounded() },
                missingAboveWarningShare: Self.exceeds(missing: missing, eligible: eligible, share: schema.missingWarningShare))
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
                if let range = feature.plausible {
                    var histogram = FixedBinHistogram(range: range, bins: feature.bins)
                    for value in values { histogram.add(value) }
                    summary.binnedMedian = histogram.binMidpointQuantile(0.5)
                }
                if values.allSatisfy({ $0 == 0 || $0 == 1 }) {
                    let ones = values.filter { $0 == 1 }.count
                    summary.binary = BinaryCounts(ones: ones, zeros: values.count - ones)
                }
            }
            return summary
        }
        warnings = features.filter(\.missingAboveWarningShare).map { feature in
            "\(feature.name) is missing for \(Self.percent(feature.missingFraction)) of eligible patients (more than \(Self.percent(schema.missingWarningShare))); imputation would fill it in"
        }
        let positive = rows.filter { $0.label == 1 }.count
        label = Label(
            name: schema.label.name, positive: positive, negative: rows.count - positive,
            prevalence: rows.isEmpty ? nil : Double(positive) / Double(rows.count),
            definition: schema.label.condition?.summary, recordsNotVerified: tally.slots[schema.features.count].notVerified)
        let conditions =
            schema.features.compactMap { feature in feature.condition.map { (feature.name, $0) } }
            + (schema.label.condition.map { [(schema.label.name, $0)] } ?? [])
        relatedCodes = RelatedCode.find(in: tally.conditionsNotInStudy, conditions: conditions, map: schema.codeMap)
        unusedColumns = tally.unusedColumns.map { UnusedColumn(column: $0.key, code: $0.value) }.sorted { $0.column < $1.column }
        errorCount = tally.errorCount
        errorsByKind = counts(tally.errorsByKind)
        errors = tally.errors
        self.seconds = seconds
    }

    /// The report of everything an extractor has read (call `finish()` on it first).
    public init(extractor: CohortExtractor, source: ClinicalSource, seconds: Double) {
        self.init(
            study: extractor.study, source: source, tally: extractor.tally, rows: extractor.rows,
            excluded: extractor.excluded, seconds: seconds)
    }

    /// Whether `missing` is more than `share` of `eligible`, decided in whole numbers (per
    /// mille) so that the published flag is an exact statement about the two counts.
    static func exceeds(missing: Int, eligible: Int, share: Double) -> Bool {
        1000 * missing > Int((share * 1000).rounded()) * eligible
    }

    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded() / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)) + "%"
    }

    /// Unit conversions applied, as "feature: from -> to (count)" lines for people.
    public var conversionLines: [String] {
        features.flatMap { feature in
            feature.convertedFrom.map { "\(feature.name): \($0.unit) -> \(feature.unit ?? "?") (\($0.count))" }
                + feature.acceptedMislabels.map {
                    "\(feature.name): \($0.unit) accepted as \(feature.unit ?? "?"), the code's unit by definition (\($0.count))"
                }
                + (feature.censoredDropped + feature.censoredKept > 0
                    ? ["\(feature.name): \(feature.censoredDropped + feature.censoredKept) censored results (\(feature.censoredPolicy ?? "drop"))"] : [])
        }
    }
}
