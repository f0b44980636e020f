/// Adam (Kingma & Ba 2015) with bias correction and optional L2 weight decay, following
/// PyTorch's `torch.optim.Adam` arithmetic.
public struct Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var firstMoment: [Float]
    private var secondMoment: [Float]
    private var stepCount = 0

    public init(
        learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0, parameterCount: Int
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    public mutating func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int) {
        stepCount += 1
        let b1 = beta1, b2 = beta2, eps = epsilon, decay = weightDecay
        let correction1 = 1 - _powf(b1, Float(stepCount))
        let correction2Root = (1 - _powf(b2, Float(stepCount))).squareRoot()
        let stepSize = learningRate / correction1
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for i in 0..<count {
                    let g = gradients[i] + decay * parameters[i]
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    parameters[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
                }
            }
        }
    }
}
