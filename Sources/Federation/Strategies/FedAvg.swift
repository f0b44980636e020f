/// Federated averaging (McMahan et al. 2017): the new model is the old one plus the mean of
/// the sites' changes, weighted by their training examples.
public struct FedAvg: Strategy {
    /// 1 reproduces plain FedAvg; other values give "FedAvg with server learning rate".
    public var serverLearningRate: Float

    public init(serverLearningRate: Float = 1) { self.serverLearningRate = serverLearningRate }

    public var name: String { "fedavg" }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        step(&global, along: aggregate.meanDelta, rate: serverLearningRate)
    }
}
