/// Updates a flat parameter vector from its gradient. Optimizers see the whole model as one
/// vector, so a step is a single loop with no per-tensor dispatch.
public protocol Optimizer {
    var learningRate: Float { get set }
    mutating func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int)
}

/// Which optimizer local training uses, as it travels in a round's instructions.
public enum OptimizerSpec: Hashable, Sendable, Codable {
    case sgd(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0)
    case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0)

    public func makeOptimizer(parameterCount: Int) -> any Optimizer {
        switch self {
        case .sgd(let lr, let momentum, let decay):
            SGD(learningRate: lr, momentum: momentum, weightDecay: decay, parameterCount: parameterCount)
        case .adam(let lr, let beta1, let beta2, let epsilon, let decay):
            Adam(
                learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay,
                parameterCount: parameterCount)
        }
    }

    public var learningRate: Float {
        switch self {
        case .sgd(let lr, _, _), .adam(let lr, _, _, _, _): lr
        }
    }
}
