import ArgumentParser
import Federation
import Learning

/// The data sets `cohort simulate` runs on, each with the defaults of its reference protocol.
enum DatasetChoice: String, CaseIterable, ExpressibleByArgument {
    case heartDisease = "heart-disease"
    case breastMNIST = "breastmnist"
    case pneumoniaMNIST = "pneumoniamnist"

    /// Hyper-parameters used when the command line does not set them.
    struct Defaults {
        var model: ModelSpec
        var rounds: Int
        var localSteps: Int
        var batchSize: Int
        var learningRate: Float
        var momentum: Float
        var sites: Int
    }

    var defaults: Defaults {
        switch self {
        case .heartDisease:
            // FLamby Fed-Heart-Disease: 15 rounds x 100 local SGD steps of batch 4, lr 0.001.
            Defaults(model: .logisticRegression, rounds: 15, localSteps: 100, batchSize: 4, learningRate: 0.001, momentum: 0, sites: 4)
        case .breastMNIST, .pneumoniaMNIST:
            Defaults(model: .cnn(), rounds: 20, localSteps: 50, batchSize: 64, learningRate: 0.02, momentum: 0.9, sites: 4)
        }
    }

    /// Where the data is read from when `--data` is not given (nil: shipped with Cohort).
    var defaultPath: String? {
        switch self {
        case .heartDisease, .breastMNIST: nil
        case .pneumoniaMNIST: "../shared/data/medmnist-pneumoniamnist/pneumoniamnist.npz"
        }
    }
}
