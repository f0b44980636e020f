import Learning

/// The official train / validation / test splits of one MedMNIST 2D data set.
public struct MedMNISTData: Sendable, Hashable {
    public var train: Dataset
    public var validation: Dataset
    public var test: Dataset

    public init(train: Dataset, validation: Dataset, test: Dataset) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}
