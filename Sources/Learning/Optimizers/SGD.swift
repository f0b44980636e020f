/// Stochastic gradient descent with optional momentum and L2 weight decay, with PyTorch's
/// update rule (`buf = m*buf + g`, `w -= lr*buf`, no dampening) so results compare directly.
public struct SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    private var velocity: [Float]

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, parameterCount: Int) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = momentum == 0 ? [] : [Float](repeating: 0, count: parameterCount)
    }

    public mutating func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int) {
        let lr = learningRate, decay = weightDecay, m = momentum
        if m == 0 {
            if decay == 0 {
                for i in 0..<count { parameters[i] -= lr * gradients[i] }
            } else {
                for i in 0..<count { parameters[i] -= lr * (gradients[i] + decay * parameters[i]) }
            }
            return
        }
        velocity.withUnsafeMutableBufferPointer { v in
            for i in 0..<count {
                let g = gradients[i] + decay * parameters[i]
                v[i] = m * v[i] + g
                parameters[i] -= lr * v[i]
            }
        }
    }
}
