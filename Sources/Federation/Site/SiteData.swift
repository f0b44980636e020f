import Learning

/// One site's local data: what stays at the hospital.
public struct SiteData: Sendable, Hashable {
    public var name: String
    public var train: Dataset
    public var test: Dataset
    /// Sex, age band and the like of each test patient, for subgroup validation; nil when
    /// the data carries none. Stays at the site: only per-group histograms leave.
    public var testAttributes: PatientAttributes?

    public init(name: String, train: Dataset, test: Dataset, testAttributes: PatientAttributes? = nil) {
        self.name = name
        self.train = train
        self.test = test
        self.testAttributes = testAttributes
    }
}
