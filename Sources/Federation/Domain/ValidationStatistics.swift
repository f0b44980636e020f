/// What a site returns for clinical validation: score histograms of its test rows, for all
/// of them and for each patient group its data records (see `ScoreHistogram` for why
/// histograms). Every part is additive, so the pooled statistics of a study are the sum of
/// its sites' (`pooled(_:)`), and the report computes every pooled metric from that sum.
///
/// The coordinator asks for them once, after a study's last round. What they disclose: per
/// bin, how many test patients of each class (and group) the model scored there. With 1,000
/// bins and small test sets a bin often holds one patient, so the coordinator learns the
/// model's score and outcome of individual, unnamed test patients, with their sex and age
/// band; no feature value leaves. What people see is the report, which applies the small-cell
/// rule (groups under 11 are shown as too small). Summing them under secure aggregation, so
/// the coordinator sees only the pooled histograms, is not built yet.
public struct ValidationStatistics: Hashable, Sendable, Codable {
    /// The default resolution: probabilities in steps of 0.001.
    public static let defaultBinCount = 1000
    /// The finest grid a site accepts to compute (and a coordinator to receive).
    public static let maximumBinCount = 100_000

    /// One patient group's histogram.
    public struct Group: Hashable, Sendable, Codable {
        public var group: PatientGroup
        public var histogram: ScoreHistogram

        public init(group: PatientGroup, histogram: ScoreHistogram) {
            self.group = group
            self.histogram = histogram
        }
    }

    public var binCount: Int
    /// The patient attributes the site's data records, so a report can say which attribute
    /// a site could not group by rather than show it as an empty group.
    public var attributes: [PatientAttribute]
    /// Every test row.
    public var all: ScoreHistogram
    /// One histogram per recorded group value, sorted by group.
    public var groups: [Group]

    public init(binCount: Int, attributes: [PatientAttribute], all: ScoreHistogram, groups: [Group]) throws(ValidationStatisticsError) {
        guard all.binCount == binCount, groups.allSatisfy({ $0.histogram.binCount == binCount }) else {
            throw .malformed("every histogram must use the statistics' \(binCount) bins")
        }
        guard Set(groups.map(\.group)).count == groups.count else { throw .malformed("a patient group appears twice") }
        guard groups.allSatisfy({ attributes.contains($0.group.attribute) }) else {
            throw .malformed("a group's attribute is missing from the recorded attributes")
        }
        self.binCount = binCount
        self.attributes = attributes.sorted()
        self.all = all
        self.groups = groups.sorted { $0.group < $1.group }
    }

    /// The statistics of a site's test rows: `logits` (one binary logit per row) against
    /// `labels`, grouped by `attributes` where the site has them.
    public init(
        logits: [Float], labels: [Float], attributes: PatientAttributes?,
        binCount: Int = defaultBinCount
    ) throws(ValidationStatisticsError) {
        guard binCount >= 1, binCount <= Self.maximumBinCount else {
            throw .malformed("validation statistics need 1 to \(Self.maximumBinCount) bins, got \(binCount)")
        }
        guard logits.count == labels.count else { throw .notBinary }
        if let attributes, attributes.rowCount != labels.count {
            throw .malformed("the site's patient attributes describe \(attributes.rowCount) rows, its test split has \(labels.count)")
        }
        let all = try ScoreHistogram(logits: logits, labels: labels, rows: labels.indices, binCount: binCount)
        var groups: [Group] = []
        for (attribute, column) in attributes?.values ?? [:] {
            var rowsByValue: [String: [Int]] = [:]
            for (row, value) in column.enumerated() {
                if let value { rowsByValue[value, default: []].append(row) }
            }
            for (value, rows) in rowsByValue {
                let histogram = try ScoreHistogram(logits: logits, labels: labels, rows: rows, binCount: binCount)
                groups.append(Group(group: PatientGroup(attribute, value), histogram: histogram))
            }
        }
        try self.init(binCount: binCount, attributes: attributes?.recorded ?? [], all: all, groups: groups)
    }

    /// The histogram of one group, nil when this site has no patient in it.
    public func histogram(for group: PatientGroup) -> ScoreHistogram? {
        groups.first { $0.group == group }?.histogram
    }

    /// The sum of several sites' statistics: the statistics of their pooled test rows.
    /// Sites are added in the order given, so the same sites in the same order give the same
    /// bits. An attribute counts as recorded when any site records it.
    public static func pooled(_ parts: [ValidationStatistics]) throws(ValidationStatisticsError) -> ValidationStatistics {
        guard let first = parts.first else { throw .malformed("no statistics to pool") }
        guard parts.allSatisfy({ $0.binCount == first.binCount }) else {
            throw .malformed("the sites' statistics use different bin grids and cannot be pooled")
        }
        var all = ScoreHistogram(binCount: first.binCount)
        var groups: [PatientGroup: ScoreHistogram] = [:]
        for part in parts {
            all = all + part.all
            for group in part.groups {
                groups[group.group] = (groups[group.group] ?? ScoreHistogram(binCount: first.binCount)) + group.histogram
            }
        }
        return try ValidationStatistics(
            binCount: first.binCount, attributes: Array(Set(parts.flatMap(\.attributes))), all: all,
            groups: groups.map { Group(group: $0.key, histogram: $0.value) })
    }
}

/// Why validation statistics could not be computed or were refused.
public enum ValidationStatisticsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The model gave NaN for a test row.
    case nonFiniteScore(row: Int)
    /// The task is not binary (one logit per row).
    case notBinary
    case malformed(String)

    public var description: String {
        switch self {
        case .nonFiniteScore(let row): "the model's score for test row \(row) is not a number (NaN): the model is broken"
        case .notBinary: "validation statistics need a binary task (one score per test row)"
        case .malformed(let text): "malformed validation statistics: \(text)"
        }
    }
}
