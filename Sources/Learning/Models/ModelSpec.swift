/// The architectures Cohort trains, as a value that can be written in a study config, sent
/// to sites and hashed for approval. Every site builds the same network from it.
public enum ModelSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// One dense layer to the task's logits (FLamby's Fed-Heart-Disease baseline).
    case logisticRegression
    /// Dense layers of the given widths with a nonlinearity (and optional dropout) between them.
    case mlp(hidden: [Int], activation: Activation.Function = .relu, dropout: Float = 0)
    /// Two 3x3 convolutions (same padding) with ReLU and 2x2 max pooling, a dense hidden
    /// layer and the output layer; sized for 1x28x28 MedMNIST images.
    case cnn(channels: [Int] = [16, 32], hidden: Int = 64)

    /// Parses `logistic`, `mlp`, `mlp:64,64`, `mlp:128,64:tanh`, `cnn`.
    public init(parsing text: String) throws(ModelError) {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        switch parts.first {
        case "logistic", "logistic-regression", "lr":
            guard parts.count == 1 else { throw .unknownModel(text) }
            self = .logisticRegression
        case "mlp":
            var widths = [64, 64]
            var activation = Activation.Function.relu
            if parts.count > 1 {
                let parsed = parts[1].split(separator: ",").compactMap { Int($0) }
                guard !parsed.isEmpty, parsed.allSatisfy({ $0 > 0 }),
                    parsed.count == parts[1].split(separator: ",").count
                else { throw .unknownModel(text) }
                widths = parsed
            }
            if parts.count > 2 {
                guard let function = Activation.Function(rawValue: parts[2]) else { throw .unknownModel(text) }
                activation = function
            }
            guard parts.count <= 3 else { throw .unknownModel(text) }
            self = .mlp(hidden: widths, activation: activation)
        case "cnn":
            guard parts.count == 1 else { throw .unknownModel(text) }
            self = .cnn()
        default:
            throw .unknownModel(text)
        }
    }

    public var description: String {
        switch self {
        case .logisticRegression: "logistic"
        case .mlp(let hidden, let activation, _):
            "mlp:" + hidden.map(String.init).joined(separator: ",") + (activation == .relu ? "" : ":\(activation.rawValue)")
        case .cnn: "cnn"
        }
    }

    /// Fresh, unbound layers for an input of `inputShape` and the given task.
    public func makeLayers(inputShape: Shape, task: Task) -> [any Layer] {
        let flatten: [any Layer] = inputShape.rank > 1 ? [Flatten()] : []
        switch self {
        case .logisticRegression:
            return flatten + [Dense(outputs: task.outputWidth)]
        case .mlp(let hidden, let activation, let dropout):
            var layers = flatten
            for width in hidden {
                layers.append(Dense(outputs: width))
                layers.append(Activation(activation))
                if dropout > 0 { layers.append(Dropout(rate: dropout)) }
            }
            layers.append(Dense(outputs: task.outputWidth))
            return layers
        case .cnn(let channels, let hidden):
            var layers: [any Layer] = []
            for width in channels {
                layers += [Conv2D(outputChannels: width, kernelSize: 3, padding: 1), Activation(.relu), MaxPool2D(size: 2)]
            }
            layers += [Flatten(), Dense(outputs: hidden), Activation(.relu), Dense(outputs: task.outputWidth)]
            return layers
        }
    }
}
