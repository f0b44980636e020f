import Federation

/// What a validation report evaluates: the operating thresholds the study names, the patient
/// attributes to group by, and the small-cell threshold for groups.
public struct ValidationSettings: Hashable, Sendable {
    /// FLamby's decision rule (probability 0.5) when the study names no threshold.
    public static let defaultThresholds = [0.5]

    /// Probabilities at which sensitivity, specificity, PPV and NPV are reported, ascending.
    public private(set) var thresholds: [Double]
    /// Attributes to group patients by; nil: every attribute a site records.
    public private(set) var subgroups: [PatientAttribute]?
    /// A patient group smaller than this at a site (or pooled) is reported as too small: the
    /// small-cell rule Cohort applies to everything that leaves a site for people (the CMS
    /// cell-size policy, 1 to 10 patients; ClinicalData's `SmallCellRule`).
    public private(set) var minimumGroupSize: Int
    /// The score histograms' resolution the thresholds must sit on.
    public private(set) var binCount: Int

    /// Whether a group of `count` patients is too small to be shown (an empty group is not
    /// small: there is no one in it to protect).
    public func isTooSmall(_ count: Int) -> Bool { count > 0 && count < minimumGroupSize }

    /// Checked settings: every threshold strictly between 0 and 1 and on the bin grid.
    public init(
        thresholds: [Double]? = nil, subgroups: [PatientAttribute]? = nil, minimumGroupSize: Int = 11,
        binCount: Int = ValidationStatistics.defaultBinCount
    ) throws(ValidationSettingsError) {
        let chosen = thresholds ?? Self.defaultThresholds
        guard !chosen.isEmpty else { throw ValidationSettingsError("name at least one threshold, e.g. 0.5") }
        for threshold in chosen {
            guard threshold.isFinite, threshold > 0, threshold < 1 else {
                throw ValidationSettingsError("threshold \(threshold) is outside (0, 1): a threshold is a predicted probability strictly between 0 and 1")
            }
            guard OperatingPoint.isOnGrid(threshold, binCount: binCount) else {
                throw ValidationSettingsError(
                    "threshold \(threshold) is not a multiple of \(1 / Double(binCount)), the resolution of the score histograms; round it (e.g. \(Double(OperatingPoint.edge(of: threshold, binCount: binCount)) / Double(binCount)))"
                )
            }
        }
        guard minimumGroupSize >= 1 else { throw ValidationSettingsError("the minimum group size must be at least 1") }
        self.thresholds = Array(Set(chosen)).sorted()
        self.subgroups = subgroups.map { Array(Set($0)).sorted() }
        self.minimumGroupSize = minimumGroupSize
        self.binCount = binCount
    }
}

/// Settings a report cannot be made with; the message says what to change.
public struct ValidationSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
