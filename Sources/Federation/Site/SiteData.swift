import Learning

/// One site's local data: what stays at the hospital.
public struct SiteData: Sendable, Hashable {
    public var name: String
    public var train: Dataset
    public var test: Dataset

    public init(name: String, train: Dataset, test: Dataset) {
        self.name = name
        self.train = train
        self.test = test
    }
}
