import Foundation

@testable import Learning

/// Reference values written by `scripts/make_learning_fixtures.py` (PyTorch and scikit-learn,
/// float64), read from the test bundle's `Fixtures` folder.
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "fixture \(name).json is missing: run scripts/make_learning_fixtures.py" }
    }

    static func load<Value: Decodable>(_ name: String, as type: Value.Type = Value.self) throws -> Value {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Value.self, from: Data(contentsOf: url))
    }

    /// The models file, decoded once for all the tests that read it (`get()` rethrows a
    /// decoding error, so a malformed fixture fails the tests with its reason).
    static let models = Result { try load("models", as: ModelFile.self) }
    static let optimizers = Result { try load("optimizers", as: OptimizerFile.self) }
}

struct TaskDescription: Decodable {
    var kind: String
    var classes: Int?

    var task: Task { kind == "binary" ? .binary : .multiclass(classes: classes ?? 2) }
}

/// The architecture as the script describes it; `spec` rebuilds Cohort's `ModelSpec`.
struct ModelDescription: Decodable {
    var kind: String
    var hidden: [Int]?
    var activation: String?
    var channels: [Int]?
    var dense: Int?

    var spec: ModelSpec {
        switch kind {
        case "logistic": .logisticRegression
        case "mlp": .mlp(hidden: hidden ?? [], activation: Activation.Function(rawValue: activation ?? "relu") ?? .relu)
        default: .cnn(channels: channels ?? [], hidden: dense ?? 0)
        }
    }
}

struct TensorDescription: Decodable {
    var name: String
    var shape: [Int]
}

/// `amplitude * sin(frequency * i + phase)`, rounded to Float: how the script fills parameters
/// and inputs, so both sides build the same numbers without sharing a random generator.
struct SinePattern {
    var amplitude: Double, frequency: Double, phase: Double

    init(_ numbers: [Double]) {
        precondition(numbers.count == 3, "a pattern is amplitude, frequency, phase")
        (amplitude, frequency, phase) = (numbers[0], numbers[1], numbers[2])
    }

    func values(count: Int) -> [Float] {
        (0..<count).map { Float(amplitude * sin(frequency * Double($0) + phase)) }
    }
}

struct ModelFile: Decodable {
    var cases: [ModelCase]

    func named(_ name: String) -> ModelCase? { cases.first { $0.name == name } }
}

struct ModelCase: Decodable {
    var name: String
    var model: ModelDescription
    var inputShape: [Int]
    var task: TaskDescription
    var batch: Int
    var tensors: [TensorDescription]
    var parameterPattern: [Double]
    var parameters: [Double]
    var features: [Double]
    var labels: [Double]
    var logits: [Double]
    var loss: Double
    var gradients: [Double]
    var inputGradient: [Double]

    var shape: Shape { Shape(inputShape) }

    /// A Cohort model of the same architecture holding the fixture's parameters.
    func makeModel(seed: UInt64 = 0) throws -> Model {
        let model = try Model(spec: model.spec, inputShape: shape, task: task.task, seed: seed)
        model.parameters = parameters.map(Float.init)
        return model
    }
}

struct OptimizerSettings: Decodable {
    var learningRate: Float
    var momentum: Float?
    var weightDecay: Float
    var beta1: Float?
    var beta2: Float?
    var epsilon: Float?

    func makeOptimizer(kind: String, parameterCount: Int) -> any Optimizer {
        kind == "sgd"
            ? SGD(learningRate: learningRate, momentum: momentum ?? 0, weightDecay: weightDecay, parameterCount: parameterCount)
            : Adam(
                learningRate: learningRate, beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8,
                weightDecay: weightDecay, parameterCount: parameterCount)
    }
}

struct OptimizerFile: Decodable {
    struct OnGradients: Decodable {
        var optimizer: String
        var settings: OptimizerSettings
        var start: [Double]
        var gradients: [[Double]]
        var trajectory: [[Double]]
    }

    struct OnModel: Decodable {
        var optimizer: String
        var settings: OptimizerSettings
        var model: String
        var losses: [Double]
        var trajectory: [[Double]]
    }

    var onGradients: [OnGradients]
    var onModels: [OnModel]
}

struct LossFile: Decodable {
    struct Case: Decodable {
        var name: String
        var loss: String
        var width: Int
        var logits: [Double]
        var labels: [Double]
        var value: Double
        var gradient: [Double]
    }

    var cases: [Case]
}

struct MetricsFile: Decodable {
    struct AUROCCase: Decodable {
        var name: String
        var scores: [Double]
        var labels: [Bool]
        var auroc: Double
    }

    struct Confusion: Decodable {
        var truePositives: Int
        var falsePositives: Int
        var trueNegatives: Int
        var falseNegatives: Int
    }

    struct EvaluationCase: Decodable {
        var name: String
        var task: TaskDescription
        var logits: [Double]
        var labels: [Double]
        var accuracy: Double
        var auroc: Double
        var logLoss: Double
        var confusion: Confusion
    }

    var auroc: [AUROCCase]
    var evaluation: [EvaluationCase]
}
