/// The quality report as it may leave the site: every count passed through the small-cell
/// rule, with complementary suppression where counts add up to a published total, no record
/// list (it names resources, i.e. patients), no file paths, and no minimum or maximum (each is
/// one patient's value). Means and medians are published only over at least 11 patients.
public struct SharedQualityReport: Codable, Sendable, Hashable {
    public struct Count: Codable, Sendable, Hashable {
        public var name: String
        public var count: SuppressedCount
    }

    public struct Patients: Codable, Sendable, Hashable {
        public var read: SuppressedCount
        public var kept: SuppressedCount
        public var excluded: [Count]
    }

    public struct Feature: Codable, Sendable, Hashable {
        public var name: String
        public var kind: String
        public var unit: String?
        public var present: SuppressedCount
        public var missing: SuppressedCount
        public var missingFraction: Double?
        public var outOfRange: SuppressedCount
        public var convertedFrom: [Count]
        public var rejectedUnits: [Count]
        public var mean: Double?
        public var median: Double?
        public var categories: [Count]?
    }

    public struct Label: Codable, Sendable, Hashable {
        public var name: String
        public var positive: SuppressedCount
        public var negative: SuppressedCount
        public var prevalence: Double?
    }

    public var format = "cohort-quality-report-shared/1"
    public var suppression: String
    public var study: QualityReport.Study
    public var sourceKind: String
    public var filesRead: SuppressedCount
    public var filesFailed: SuppressedCount
    public var patients: Patients
    public var features: [Feature]
    public var label: Label
    public var errorCount: SuppressedCount
    public var errorsByKind: [Count]

    public init(_ report: QualityReport, rule: SmallCellRule = SmallCellRule()) {
        suppression = "counts 1-\(rule.threshold - 1) shown as <\(rule.threshold) (CMS cell-size suppression), with complementary suppression within totals"
        study = report.study
        sourceKind = report.source.kind
        filesRead = rule.apply(report.files.read)
        filesFailed = rule.apply(report.files.failed)
        // kept + each exclusion = read, which is shown: suppress as a group.
        let group = rule.suppress(group: [report.patients.kept] + report.patients.excluded.map(\.count))
        patients = Patients(read: rule.apply(report.patients.read), kept: group[0],
                            excluded: zip(report.patients.excluded, group.dropFirst()).map { Count(name: $0.reason, count: $1) })
        features = report.features.map { feature in
            let presence = rule.suppress(group: [feature.present, feature.missing])
            let categories = feature.categories.map { list in
                zip(list, rule.suppress(group: list.map(\.count))).map { Count(name: $0.unit, count: $1) }
            }
            return Feature(
                name: feature.name, kind: feature.kind, unit: feature.unit, present: presence[0], missing: presence[1],
                missingFraction: presence.contains(where: \.isSuppressed) ? nil : feature.missingFraction,
                outOfRange: rule.apply(feature.outOfRange),
                convertedFrom: feature.convertedFrom.map { Count(name: $0.unit, count: rule.apply($0.count)) },
                rejectedUnits: feature.rejectedUnits.map { Count(name: $0.unit, count: rule.apply($0.count)) },
                mean: rule.statistic(feature.mean, over: feature.present),
                median: rule.statistic(feature.median, over: feature.present),
                categories: categories)
        }
        let labelCounts = rule.suppress(group: [report.label.positive, report.label.negative])
        label = Label(name: report.label.name, positive: labelCounts[0], negative: labelCounts[1],
                      prevalence: labelCounts.contains(where: \.isSuppressed) ? nil : report.label.prevalence)
        errorCount = rule.apply(report.errorCount)
        errorsByKind = report.errorsByKind.map { Count(name: $0.unit, count: rule.apply($0.count)) }
    }
}
