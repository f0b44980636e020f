/// DP-SGD's parameters for one stretch of local training (Abadi et al., CCS 2016).
public struct DPSGDParameters: Hashable, Sendable, Codable {
    /// Every example's gradient is scaled down to at most this L2 norm (C).
    public var clipNorm: Float
    /// Gaussian noise of standard deviation `noiseMultiplier * clipNorm` is added to the
    /// clipped sum (sigma).
    public var noiseMultiplier: Float
    /// Poisson sampling rate q of each step.
    public var samplingRate: Double

    public init(clipNorm: Float, noiseMultiplier: Float, samplingRate: Double) {
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
    }
}

extension Model {
    /// The DP-SGD gradient of one Poisson batch, left in `network.gradients`:
    /// (sum_i clip(g_i, C) + N(0, sigma² C² I)) / (q N), the noise drawn from `noise` (secure
    /// unless a reproducible simulation asked for seeded noise).
    ///
    /// Two passes: the first back-propagates the batch once and collects every example's
    /// gradient norm on the way (closed form for dense layers, one product per example for
    /// convolutions); the second back-propagates the loss gradients rescaled by each example's
    /// clipping factor, which yields the clipped sum directly because back-propagation is
    /// linear in them. No example is ever back-propagated on its own.
    @discardableResult
    public func computePrivateGradient(
        on data: Dataset, rows: [Int], parameters dp: DPSGDParameters,
        expectedBatchSize: Double, noise: inout DPNoise
    ) -> Float {
        let count = parameterCount
        let gradients = network.gradients.pointer
        var loss: Float = 0
        if rows.isEmpty {
            gradients.update(repeating: 0, count: count)
        } else {
            loss = privateClippedSum(on: data, rows: rows, clipNorm: dp.clipNorm)
        }
        let deviation = Double(dp.noiseMultiplier * dp.clipNorm)
        let scale = Float(1 / expectedBatchSize)
        for i in 0..<count {
            gradients[i] = (gradients[i] + Float(noise.gaussian(deviation: deviation))) * scale
        }
        return loss
    }

    /// Writes sum_i min(1, C / |g_i|) g_i into the gradient buffer; returns the batch's mean loss.
    func privateClippedSum(on data: Dataset, rows: [Int], clipNorm: Float) -> Float {
        let batch = rows.count
        let loss = computeGradient(on: data, rows: rows, perExampleSquaredNorms: true)
        // The loss gradient is of the mean, so example i's own gradient is batch x its share.
        let factor = Float(batch)
        rescaleLossGradient { example in
            let norm = (privateNorms.pointer[example] * factor * factor).squareRoot()
            return factor * min(1, clipNorm / max(norm, .leastNormalMagnitude))
        }
        backpropagateLastBatch()
        return loss
    }

    /// Runs `steps` DP-SGD steps with Poisson sampling.
    public func trainPrivately(
        on data: Dataset, steps: Int, sampler: inout PoissonSampler, parameters dp: DPSGDParameters,
        optimizer: inout any Optimizer, noise: inout DPNoise,
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
            lossSum += Double(
                computePrivateGradient(
                    on: data, rows: rows, parameters: dp,
                    expectedBatchSize: sampler.expectedBatchSize, noise: &noise))
            examples += rows.count
            adjust?(parameters, gradients, count)
            optimizer.step(parameters: parameters, gradients: gradients, count: count)
        }
        return TrainingSummary(steps: steps, examples: examples, meanLoss: steps == 0 ? 0 : lossSum / Double(steps))
    }
}
