import Datasets
import Learning

/// The public benchmark data sets a study can name, each with the defaults of its reference
/// protocol, so a study that says only `dataset: heart-disease` runs FLamby's protocol in
/// simulation and in deployment alike.
public enum BenchmarkDataset: String, CaseIterable, Hashable, Sendable, Codable {
    case heartDisease = "heart-disease"
    case breastMNIST = "breastmnist"
    case pneumoniaMNIST = "pneumoniamnist"

    /// Hyper-parameters a study inherits when it does not set them.
    public struct Defaults: Hashable, Sendable {
        public var model: ModelSpec
        public var rounds: Int
        public var localSteps: Int
        public var batchSize: Int
        public var learningRate: Float
        public var momentum: Float
        public var sites: Int
    }

    public var defaults: Defaults {
        switch self {
        case .heartDisease:
            // FLamby Fed-Heart-Disease: 15 rounds x 100 local SGD steps of batch 4, lr 0.001.
            Defaults(model: .logisticRegression, rounds: 15, localSteps: 100, batchSize: 4, learningRate: 0.001, momentum: 0, sites: 4)
        case .breastMNIST, .pneumoniaMNIST:
            Defaults(model: .cnn(), rounds: 20, localSteps: 50, batchSize: 64, learningRate: 0.02, momentum: 0.9, sites: 4)
        }
    }

    /// What one example looks like: the 13 encoded heart features, or a 1x28x28 image.
    public var exampleShape: Shape {
        switch self {
        case .heartDisease: Shape([HeartDisease.featureCount])
        case .breastMNIST, .pneumoniaMNIST: Shape([1, 28, 28])
        }
    }

    public var task: Learning.Task { .binary }

    /// The sites a benchmark comes with (heart disease: its four hospitals); nil where the
    /// simulator partitions the data into as many sites as asked.
    public var naturalSites: [String]? {
        switch self {
        case .heartDisease: HeartDisease.siteNames
        case .breastMNIST, .pneumoniaMNIST: nil
        }
    }

    /// What the features are, for the training plan a steward approves.
    public var schemaHash: String {
        switch self {
        case .heartDisease: "benchmark:uci-heart-disease/flamby-13-features"
        case .breastMNIST, .pneumoniaMNIST: "benchmark:\(rawValue)/1x28x28"
        }
    }

    /// Whether sites of a deployment can hold this data themselves: MedMNIST is partitioned
    /// by the simulator, so only heart disease (each hospital its own file) deploys.
    public var deploys: Bool { self == .heartDisease }
}
