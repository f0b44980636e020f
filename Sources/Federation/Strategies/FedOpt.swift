/// Adaptive server optimizers (Reddi et al., "Adaptive Federated Optimization", ICLR 2021):
/// the round's weighted mean delta is a pseudo-gradient fed to Adam, Yogi or Adagrad on the
/// server. As in the paper (and FLamby), there is no bias correction and `v` starts at tau^2.
public struct FedOpt: Strategy {
    public enum Variant: String, Sendable, Codable, CaseIterable {
        case adam = "fedadam"
        case yogi = "fedyogi"
        case adagrad = "fedadagrad"
    }

    public let variant: Variant
    public var serverLearningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var tau: Float
    private var firstMoment: [Float] = []
    private var secondMoment: [Float] = []

    public init(_ variant: Variant, serverLearningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, tau: Float = 1e-8) {
        self.variant = variant
        self.serverLearningRate = serverLearningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.tau = tau
    }

    public var name: String { variant.rawValue }

    public var state: ComponentState {
        ComponentState(vectors: firstMoment.isEmpty ? [:] : ["m": firstMoment, "v": secondMoment])
    }

    public mutating func restore(_ state: ComponentState) throws {
        firstMoment = state.vectors["m"] ?? []
        secondMoment = state.vectors["v"] ?? []
        guard firstMoment.count == secondMoment.count else { throw StateMismatch("\(name) checkpoint has moments of different sizes") }
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        let delta = aggregate.meanDelta
        if firstMoment.isEmpty {
            firstMoment = [Float](repeating: 0, count: delta.count)
            secondMoment = [Float](repeating: tau * tau, count: delta.count)
        }
        let b1 = beta1, b2 = beta2, eta = serverLearningRate, tau = tau, variant = variant
        for i in 0..<delta.count {
            let d = delta[i]
            firstMoment[i] = b1 * firstMoment[i] + (1 - b1) * d
            let square = d * d
            switch variant {
            case .adam: secondMoment[i] = b2 * secondMoment[i] + (1 - b2) * square
            case .yogi:
                let gap = secondMoment[i] - square
                secondMoment[i] -= (1 - b2) * square * (gap > 0 ? 1 : (gap < 0 ? -1 : 0))
            case .adagrad: secondMoment[i] += square
            }
            global[i] += eta * firstMoment[i] / (secondMoment[i].squareRoot() + tau)
        }
    }
}
