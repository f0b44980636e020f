/// The quality report as it may leave the site (`cohort data check --shared`, the HTML page):
/// every count through the small-cell rule, applied to all of the report's tables at once and
/// audited (docs/disclosure-control.md).
///
/// What is printed, and why it is safe:
/// - counts: exact, "<11" (1 to 10) or "withheld" (hidden to protect another count), decided
///   by `CellSuppression` over the linked tables below, so no subtraction across tables
///   recovers a hidden count;
/// - lists in a fixed order (exclusion reasons, units and error kinds by name): an order by
///   size would rank hidden cells against each other and against printed ones;
/// - a 0/1 feature as its two counts (patients with 1, with 0), never as a bare mean, since
///   the mean times the count is the count; its mean only when both counts are printed;
/// - a mean and a median over at least 11 values, the median being the midpoint of the study's
///   fixed bin that holds it (never a patient's value); a mean of whole-number values (counts
///   of events) only when their sum is 0 or at least 11;
/// - fractions (missing share, prevalence) only when both counts behind them are printed;
/// - a "missing for more than N %" flag for every feature: a statement about counts that the
///   audit includes, so it reaches people even at a site whose counts are all hidden;
/// - codes that look related to a study condition, with their record counts, in code order;
/// - no record list, no file paths, no minimum or maximum (each is one patient's value).
public struct PublishedQualityReport: Codable, Sendable, Hashable {
    public struct Count: Codable, Sendable, Hashable {
        public var name: String
        public var count: PublishedCount
    }

    public struct Patients: Codable, Sendable, Hashable {
        public var read: PublishedCount
        public var kept: PublishedCount
        public var excluded: [Count]
    }

    public struct Feature: Codable, Sendable, Hashable {
        public var name: String
        public var kind: String
        public var unit: String?
        public var present: PublishedCount
        public var missing: PublishedCount
        public var missingFraction: Double?
        /// Missing for more than the study's share of eligible patients (nil: withdrawn by the audit).
        public var missingAboveWarningShare: Bool?
        public var outOfRange: PublishedCount
        public var convertedFrom: [Count]
        public var rejectedUnits: [Count]
        /// Unit texts read as the code's unit by definition (mislabels), with their records.
        public var acceptedMislabels: [Count]
        /// Censored results (">60") and what the study does with them.
        public var censoredPolicy: String?
        public var censored: PublishedCount
        public var mean: Double?
        public var median: Double?
        public var categories: [Count]?
        /// A 0/1 feature: patients with "1" and with "0".
        public var values: [Count]?
    }

    public struct Label: Codable, Sendable, Hashable {
        public var name: String
        public var positive: PublishedCount
        public var negative: PublishedCount
        public var prevalence: Double?
    }

    /// A code that looks related to a study condition but is not in it.
    public struct RelatedCode: Codable, Sendable, Hashable {
        public var condition: String
        public var code: String
        public var display: String?
        public var relation: String
        public var records: PublishedCount
    }

    public static let format = "cohort-quality-report-shared/2"

    public var format = PublishedQualityReport.format
    /// Counts from 1 to `threshold - 1` are never printed nor derivable.
    public var threshold: Int
    public var suppression: String
    public var study: QualityReport.Study
    public var missingWarningShare: Double
    public var sourceKind: String
    public var filesRead: PublishedCount
    public var filesFailed: PublishedCount
    public var patients: Patients
    public var features: [Feature]
    public var label: Label
    /// Warnings for people, in words that disclose no count.
    public var warnings: [String]
    public var errorCount: PublishedCount
    public var errorsByKind: [Count]
    /// In a fixed order (condition, then code).
    public var relatedCodes: [RelatedCode]

    public init(_ report: QualityReport, rule: SmallCellRule = SmallCellRule()) {
        var tables = LinkedTables()
        let cells = Cells(report, into: &tables)
        let result = rule.protect(tables)
        let count = { (cell: Int) in result.counts[cell] }
        let named = { (pairs: [(String, Int)]) in pairs.map { Count(name: $0.0, count: count($0.1)) } }

        threshold = rule.threshold
        suppression =
            "counts 1-\(rule.threshold - 1) shown as <\(rule.threshold); \(result.withheld) count(s) of \(rule.threshold) or more "
            + "withheld so that no small count follows from the others (one audit over all tables of the report)"
        study = report.study
        missingWarningShare = report.missingWarningShare
        sourceKind = report.source.kind
        filesRead = count(cells.filesRead)
        filesFailed = count(cells.filesFailed)
        patients = Patients(read: count(cells.read), kept: count(cells.kept), excluded: named(cells.exclusions))
        label = Label(
            name: report.label.name, positive: count(cells.positive), negative: count(cells.negative),
            prevalence: Self.fraction(
                report.label.positive, of: report.label.positive + report.label.negative,
                shown: [count(cells.positive), count(cells.negative)]))
        features = zip(report.features, cells.features).map { feature, cell in
            let present = count(cell.present)
            let missing = count(cell.missing)
            var published = Feature(
                name: feature.name, kind: feature.kind, unit: feature.unit, present: present, missing: missing,
                missingFraction: Self.fraction(feature.missing, of: feature.present + feature.missing, shown: [present, missing]),
                missingAboveWarningShare: result.statements[cell.flag] ? feature.missingAboveWarningShare : nil,
                outOfRange: count(cell.outOfRange),
                convertedFrom: named(cell.convertedFrom), rejectedUnits: named(cell.rejectedUnits),
                acceptedMislabels: named(cell.acceptedMislabels), censoredPolicy: feature.censoredPolicy, censored: count(cell.censored),
                categories: cell.categories.isEmpty ? nil : named(cell.categories))
            if let binary = cell.binary {
                let ones = count(binary.ones)
                let zeros = count(binary.zeros)
                published.values = [Count(name: "1", count: ones), Count(name: "0", count: zeros)]
                published.mean = Self.fraction(feature.binary!.ones, of: feature.valueCount, shown: [ones, zeros])
            } else if feature.categories == nil, feature.valueCount >= rule.threshold {
                let sum = (feature.mean ?? 0) * Double(feature.valueCount)
                let disclosesEvents = feature.integerValued && rule.hides(Int(sum.rounded()))
                published.mean = disclosesEvents ? nil : feature.mean.map { $0.rounded(significantDigits: 4) }
                published.median = disclosesEvents ? nil : feature.binnedMedian.map { $0.rounded(significantDigits: 6) }
            }
            return published
        }
        warnings = features.compactMap { feature in
            feature.missingAboveWarningShare == true
                ? "\(feature.name) is missing for more than \(QualityReport.percent(report.missingWarningShare)) of eligible patients; imputation would fill it in"
                : nil
        }
        errorCount = count(cells.errorCount)
        errorsByKind = named(cells.errorKinds)
        relatedCodes = zip(report.relatedCodes, cells.relatedCodes).map { code, cell in
            RelatedCode(condition: code.condition, code: code.code, display: code.display, relation: code.relation, records: count(cell))
        }.sorted { ($0.condition, $0.code) < ($1.condition, $1.code) }
    }

    /// `part / whole`, only when every count it could give away is printed.
    private static func fraction(_ part: Int, of whole: Int, shown: [PublishedCount]) -> Double? {
        guard whole > 0, !shown.contains(where: \.isHidden) else { return nil }
        return Double(part) / Double(whole)
    }

    /// The report's counts as cells of linked tables (the tables an observer can add up).
    private struct Cells {
        struct FeatureCells {
            var present: Int
            var missing: Int
            var outOfRange: Int
            var convertedFrom: [(String, Int)]
            var rejectedUnits: [(String, Int)]
            var acceptedMislabels: [(String, Int)]
            var censored: Int
            var categories: [(String, Int)]
            var binary: (ones: Int, zeros: Int)?
            var flag: Int
        }

        var filesRead = 0, filesFailed = 0, read = 0, kept = 0, positive = 0, negative = 0, errorCount = 0
        var exclusions: [(String, Int)] = []
        var features: [FeatureCells] = []
        var errorKinds: [(String, Int)] = []
        var relatedCodes: [Int] = []

        init(_ report: QualityReport, into tables: inout LinkedTables) {
            func byName(_ counts: [QualityReport.UnitCount], _ prefix: String) -> [(String, Int)] {
                counts.sorted { $0.unit < $1.unit }.map { ($0.unit, tables.cell("\(prefix) \($0.unit)", $0.count)) }
            }
            filesRead = tables.cell("files read", report.files.read)
            filesFailed = tables.cell("files unreadable", report.files.failed)
            // Patients: read = kept + every exclusion; eligible = kept + complete-case exclusions.
            read = tables.cell("patients read", report.patients.read)
            kept = tables.cell("patients kept", report.patients.kept)
            let reasons = report.patients.excluded.sorted { $0.reason < $1.reason }
            exclusions = reasons.map { ($0.reason, tables.cell("excluded: \($0.reason)", $0.count)) }
            tables.table(total: read, parts: [kept] + exclusions.map(\.1))
            let completeCase = zip(reasons, exclusions).filter { $0.0.completeCase }.map(\.1.1)
            let eligible = tables.link("eligible patients", report.patients.eligible)
            tables.table(total: eligible, parts: [kept] + completeCase, counting: false)
            // Label: kept = positive + negative; beside the exclusions, a partition of read.
            positive = tables.cell("label positive", report.label.positive)
            negative = tables.cell("label negative", report.label.negative)
            tables.table(total: kept, parts: [positive, negative])
            tables.group([positive, negative] + exclusions.map(\.1))
            let dropsIncomplete = report.study.missingValues == MissingValuePolicy.dropRow.name
            let share = Int((report.missingWarningShare * 1000).rounded())
            for feature in report.features {
                let present = tables.cell("\(feature.name) present", feature.present)
                let missing = tables.cell("\(feature.name) missing", feature.missing)
                tables.table(total: eligible, parts: [present, missing])
                // Values among kept patients: all of them (complete cases) or the present ones.
                let keptValues = dropsIncomplete ? kept : present
                var cells = FeatureCells(
                    present: present, missing: missing,
                    outOfRange: tables.cell("\(feature.name) out of range", feature.outOfRange),
                    convertedFrom: byName(feature.convertedFrom, "\(feature.name) converted from"),
                    rejectedUnits: byName(feature.rejectedUnits, "\(feature.name) refused in"),
                    acceptedMislabels: byName(feature.acceptedMislabels, "\(feature.name) accepted as its unit:"),
                    censored: tables.cell("\(feature.name) censored", feature.censoredDropped + feature.censoredKept),
                    categories: [], binary: nil, flag: 0)
                if let categories = feature.categories {
                    cells.categories = categories.map { ($0.unit, tables.cell("\(feature.name)=\($0.unit)", $0.count)) }
                    tables.table(total: keptValues, parts: cells.categories.map(\.1))
                } else if let binary = feature.binary {
                    let ones = tables.cell("\(feature.name)=1", binary.ones)
                    let zeros = tables.cell("\(feature.name)=0", binary.zeros)
                    tables.table(total: keptValues, parts: [ones, zeros])
                    cells.binary = (ones, zeros)
                }
                // The flag says 1000 missing > share (present + missing), or the opposite.
                let flagged = QualityReport.exceeds(missing: feature.missing, eligible: feature.present + feature.missing, share: report.missingWarningShare)
                cells.flag =
                    flagged
                    ? tables.statement("\(feature.name) missing above the share", [(missing, -(1000 - share)), (present, share)], atMost: -1)
                    : tables.statement("\(feature.name) missing at most the share", [(missing, 1000 - share), (present, -share)], atMost: 0)
                features.append(cells)
            }
            errorCount = tables.cell("records skipped", report.errorCount)
            errorKinds = byName(report.errorsByKind, "skipped:")
            if !errorKinds.isEmpty { tables.table(total: errorCount, parts: errorKinds.map(\.1)) }
            // Records of codes outside the study: counts of their own, linked to nothing printed.
            relatedCodes = report.relatedCodes.map { tables.cell("\($0.condition): \($0.code) records", $0.records) }
        }
    }
}
