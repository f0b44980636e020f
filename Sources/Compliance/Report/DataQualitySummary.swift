import ClinicalData

/// A site's data-quality summary in plain values (the CLI fills it from a quality JSON, or
/// from the small-cell-suppressed report of `cohort data check --shared`): counts and
/// percentages only. Counts the site suppressed arrive as `.small` or `.withheld` and are shown as
/// such; a percentage the rule withholds is nil.
public struct DataQualitySummary: Hashable, Sendable, Codable {
    public struct Exclusion: Hashable, Sendable, Codable {
        public var reason: String
        public var rows: PublishedCount
        public init(reason: String, rows: PublishedCount) {
            self.reason = reason
            self.rows = rows
        }
    }

    public struct Missingness: Hashable, Sendable, Codable {
        public var feature: String
        /// Nil when the small-cell rule withholds it (a count behind it is suppressed).
        public var missingPercent: Double?
        /// Patients with the feature missing, when the source gives the count.
        public var missing: PublishedCount?
        public init(feature: String, missingPercent: Double?, missing: PublishedCount? = nil) {
            self.feature = feature
            self.missingPercent = missingPercent
            self.missing = missing
        }
    }

    public var source: String
    public var schemaHash: String?
    public var rowsRead: PublishedCount
    public var rowsIncluded: PublishedCount
    public var exclusions: [Exclusion]
    public var missingness: [Missingness]
    /// The disclosure rule the counts already went through, as the site stated it.
    public var suppression: String?

    public init(
        source: String, schemaHash: String? = nil, rowsRead: PublishedCount, rowsIncluded: PublishedCount, exclusions: [Exclusion] = [],
        missingness: [Missingness] = [], suppression: String? = nil
    ) {
        self.source = source
        self.schemaHash = schemaHash
        self.rowsRead = rowsRead
        self.rowsIncluded = rowsIncluded
        self.exclusions = exclusions
        self.missingness = missingness
        self.suppression = suppression
    }
}
