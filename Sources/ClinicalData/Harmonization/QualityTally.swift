/// Exact counts gathered while reading an export: the raw material of the quality report.
///
/// A tally is kept per file and merged into the run's tally only when the file was read to the
/// end, so a bundle that turns out to be invalid halfway leaves no partial counts behind.
struct QualityTally: Sendable {
    struct FeatureCounts: Sendable {
        /// Records matched to the feature (before unit checks).
        var records = 0
        /// Records whose unit was converted, by the unit they came in.
        var convertedFrom: [String: Int] = [:]
        /// Records refused because of their unit, by that unit.
        var rejectedUnits: [String: Int] = [:]
        /// Records whose unit text was a known mislabel of the code's fixed unit, by that text.
        var acceptedMislabels: [String: Int] = [:]
        /// Censored results (">60"), dropped or kept at their bound as the study says.
        var censoredDropped = 0
        var censoredKept = 0
        var outOfRange = 0
        /// Out-of-range values discarded (policy `missing`) rather than kept.
        var outOfRangeDiscarded = 0
        var unknownCategories = 0
        /// Condition records whose verification status the study does not accept.
        var notVerified = 0

        mutating func merge(_ other: FeatureCounts) {
            records += other.records
            convertedFrom.merge(other.convertedFrom, uniquingKeysWith: +)
            rejectedUnits.merge(other.rejectedUnits, uniquingKeysWith: +)
            acceptedMislabels.merge(other.acceptedMislabels, uniquingKeysWith: +)
            censoredDropped += other.censoredDropped
            censoredKept += other.censoredKept
            outOfRange += other.outOfRange
            outOfRangeDiscarded += other.outOfRangeDiscarded
            unknownCategories += other.unknownCategories
            notVerified += other.notVerified
        }
    }

    /// A code seen in the export, how often, and its display text (the first one seen).
    struct SeenCode: Sendable {
        var records: Int
        var display: String?
    }

    /// Errors listed individually; the rest are only counted.
    static let errorListLimit = 500

    var filesRead = 0
    var filesFailed = 0
    var bytesRead = 0
    var rowsRead = 0
    var resourcesByType: [String: Int] = [:]
    var recordsNotInStudy = 0
    var patientsRead = 0
    var errors: [RecordError] = []
    var errorCount = 0
    var errorsByKind: [String: Int] = [:]
    /// Per slot: features, then the label.
    var slots: [FeatureCounts]
    /// Mapped columns whose code the study does not use, with the code (generic CSV).
    var unusedColumns: [String: String] = [:]
    /// Condition codes no study condition matched.
    var conditionsNotInStudy: [ClinicalCode: SeenCode] = [:]

    init(slotCount: Int) {
        slots = Array(repeating: FeatureCounts(), count: slotCount)
    }

    mutating func record(_ error: RecordError) {
        errorCount += 1
        errorsByKind[error.kind, default: 0] += 1
        if errors.count < Self.errorListLimit { errors.append(error) }
    }

    mutating func merge(_ other: QualityTally) {
        filesRead += other.filesRead
        filesFailed += other.filesFailed
        bytesRead += other.bytesRead
        rowsRead += other.rowsRead
        resourcesByType.merge(other.resourcesByType, uniquingKeysWith: +)
        recordsNotInStudy += other.recordsNotInStudy
        patientsRead += other.patientsRead
        for error in other.errors where errors.count < Self.errorListLimit { errors.append(error) }
        errorCount += other.errorCount
        errorsByKind.merge(other.errorsByKind, uniquingKeysWith: +)
        for slot in slots.indices { slots[slot].merge(other.slots[slot]) }
        unusedColumns.merge(other.unusedColumns) { first, _ in first }
        conditionsNotInStudy.merge(other.conditionsNotInStudy) { SeenCode(records: $0.records + $1.records, display: $0.display ?? $1.display) }
    }
}
