/// What one stretch of local training did.
public struct TrainingSummary: Hashable, Sendable, Codable {
    public var steps: Int
    public var examples: Int
    public var meanLoss: Double

    public init(steps: Int, examples: Int, meanLoss: Double) {
        self.steps = steps
        self.examples = examples
        self.meanLoss = meanLoss
    }
}

/// Adjusts the gradient in place before each optimizer step, seeing the current parameters:
/// how federated algorithms (FedProx's proximal term, SCAFFOLD's control variates) and
/// privacy mechanisms reach into local training without the learning core knowing them.
public typealias GradientAdjustment = (_ parameters: UnsafePointer<Float>, _ gradients: UnsafeMutablePointer<Float>, _ count: Int) -> Void

extension Model {
    /// Runs `steps` optimizer steps on batches drawn by `sampler` from `data`.
    public func train(
        on data: Dataset, steps: Int, sampler: inout BatchSampler, optimizer: inout any Optimizer,
        adjustingGradient adjust: GradientAdjustment? = nil
    ) -> TrainingSummary {
        precondition(data.exampleShape == network.inputShape, "data shape \(data.exampleShape) differs from the model input \(network.inputShape)")
        var lossSum = 0.0
        var examples = 0
        let count = parameterCount
        let parameters = network.parameters.pointer
        let gradients = network.gradients.pointer
        for _ in 0..<steps {
            let rows = sampler.nextBatch()
            lossSum += Double(computeGradient(on: data, rows: rows))
            examples += rows.count
            adjust?(parameters, gradients, count)
            optimizer.step(parameters: parameters, gradients: gradients, count: count)
        }
        return TrainingSummary(steps: steps, examples: examples, meanLoss: steps == 0 ? 0 : lossSum / Double(steps))
    }
}
