/// The shared quality report as readers of its first format see it: counts exact or
/// "suppressed below a bound", without the "withheld" state of `PublishedQualityReport`.
///
/// The compliance report's data-quality section reads this type. It reads files of either
/// format (`cohort-quality-report-shared/1` or `/2`). A withheld cell has no two-state form
/// that is both true and discloses nothing new, except a bound every count already obeys:
/// it becomes "below read + 1" (every patient count is at most the patients read), never
/// "<11", which would be false. Readers that can show the neutral word should read
/// `PublishedQualityReport` instead.
public struct SharedQualityReport: Decodable, Sendable, Hashable {
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
        public var mean: Double?
        public var median: Double?
    }

    public struct Label: Codable, Sendable, Hashable {
        public var name: String
        public var positive: SuppressedCount
        public var negative: SuppressedCount
        public var prevalence: Double?
    }

    public var format: String
    public var suppression: String
    public var study: QualityReport.Study
    public var sourceKind: String
    public var patients: Patients
    public var features: [Feature]
    public var label: Label

    public init(_ report: QualityReport, rule: SmallCellRule = SmallCellRule()) {
        self.init(PublishedQualityReport(report, rule: rule))
    }

    public init(_ published: PublishedQualityReport) {
        self.init(Mirror(published))
    }

    public init(from decoder: any Decoder) throws {
        self.init(try Mirror(from: decoder))
    }

    private init(_ mirror: Mirror) {
        let bound = mirror.patients.read.value.map { $0 + 1 } ?? Int.max
        func count(_ published: PublishedCount) -> SuppressedCount {
            switch published {
            case .exact(let value): .exact(value)
            case .small(let threshold): .suppressed(below: threshold)
            case .withheld: .suppressed(below: bound)
            }
        }
        format = mirror.format
        suppression = mirror.suppression
        study = mirror.study
        sourceKind = mirror.sourceKind
        patients = Patients(
            read: count(mirror.patients.read), kept: count(mirror.patients.kept),
            excluded: mirror.patients.excluded.map { Count(name: $0.name, count: count($0.count)) })
        features = mirror.features.map { feature in
            Feature(
                name: feature.name, kind: feature.kind, unit: feature.unit, present: count(feature.present),
                missing: count(feature.missing), missingFraction: feature.missingFraction, mean: feature.mean, median: feature.median)
        }
        label = Label(
            name: mirror.label.name, positive: count(mirror.label.positive), negative: count(mirror.label.negative),
            prevalence: mirror.label.prevalence)
    }

    /// The fields both formats share, with counts in the published form.
    private struct Mirror: Decodable {
        struct Patients: Decodable {
            var read: PublishedCount
            var kept: PublishedCount
            var excluded: [PublishedQualityReport.Count]
        }

        struct Feature: Decodable {
            var name: String
            var kind: String
            var unit: String?
            var present: PublishedCount
            var missing: PublishedCount
            var missingFraction: Double?
            var mean: Double?
            var median: Double?
        }

        var format: String
        var suppression: String
        var study: QualityReport.Study
        var sourceKind: String
        var patients: Patients
        var features: [Feature]
        var label: PublishedQualityReport.Label

        init(_ published: PublishedQualityReport) {
            format = published.format
            suppression = published.suppression
            study = published.study
            sourceKind = published.sourceKind
            patients = Patients(read: published.patients.read, kept: published.patients.kept, excluded: published.patients.excluded)
            features = published.features.map {
                Feature(
                    name: $0.name, kind: $0.kind, unit: $0.unit, present: $0.present, missing: $0.missing,
                    missingFraction: $0.missingFraction, mean: $0.mean, median: $0.median)
            }
            label = published.label
        }
    }
}
