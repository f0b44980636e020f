/// How fast local training runs: optimizer steps (forward, loss, backward, update) per
/// second on synthetic data, measured the way the PyTorch peer benchmark measures itself
/// (warm-up, then the median of several timed repetitions), so the two figures compare.
///
/// The steps go through `Model.train`, the same path a site uses, so the figure includes
/// gathering each sampled batch into contiguous memory; PyTorch's loop reuses one tensor.
public enum TrainingThroughput {
    /// One measurement.
    public struct Result: Hashable, Sendable, Codable, CustomStringConvertible {
        /// Training examples processed per second (median repetition).
        public var samplesPerSecond: Double
        /// Wall-clock seconds of the median repetition.
        public var medianSeconds: Double
        /// Optimizer steps in each timed repetition.
        public var steps: Int
        /// Examples per step.
        public var batchSize: Int
        /// Scalars in the model's parameter vector, to say what was trained.
        public var parameterCount: Int

        public init(samplesPerSecond: Double, medianSeconds: Double, steps: Int, batchSize: Int, parameterCount: Int) {
            self.samplesPerSecond = samplesPerSecond
            self.medianSeconds = medianSeconds
            self.steps = steps
            self.batchSize = batchSize
            self.parameterCount = parameterCount
        }

        public var description: String {
            let rate = (samplesPerSecond * 10).rounded() / 10
            let milliseconds = (medianSeconds * 1e5).rounded() / 100
            return "\(rate) samples/s (\(steps) steps of \(batchSize) in \(milliseconds) ms, \(parameterCount) parameters)"
        }
    }

    /// Trains a fresh model of `spec` with plain SGD (learning rate 0.01, as the peer script)
    /// on random data and reports the median throughput over `repetitions` runs of `steps`
    /// steps, after an untimed warm-up that grows every buffer to its final size.
    ///
    /// Features are standard normal and labels uniform over the task's classes, both drawn
    /// from `seed`, so two measurements do the same arithmetic. Runs on the caller's thread;
    /// set the BLAS thread count (`BLAS.setThreadCount`) before calling for a one-core figure.
    public static func measure(
        spec: ModelSpec, inputShape: Shape, task: Task, batchSize: Int, steps: Int,
        repetitions: Int = 5, seed: UInt64 = 0
    ) throws(ModelError) -> Result {
        guard batchSize > 0, steps > 0, repetitions > 0 else {
            throw .invalidHyperparameter("batch size, steps and repetitions must be positive")
        }
        let model = try Model(spec: spec, inputShape: inputShape, task: task, seed: seed)
        // At least 8 batches and 256 rows, so epochs (and reshuffles) are a small part of the run.
        let batchesPerEpoch = max(8, (256 + batchSize - 1) / batchSize)
        let data = syntheticData(shape: inputShape, task: task, rows: batchSize * batchesPerEpoch, seed: seed)
        var sampler = BatchSampler(rowCount: data.count, batchSize: batchSize, seed: seed)
        var optimizer: any Optimizer = SGD(learningRate: 0.01, parameterCount: model.parameterCount)

        _ = model.train(on: data, steps: min(steps, 20), sampler: &sampler, optimizer: &optimizer)
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for _ in 0..<repetitions {
            let elapsed = clock.measure {
                _ = model.train(on: data, steps: steps, sampler: &sampler, optimizer: &optimizer)
            }
            seconds.append(elapsed.inSeconds)
        }
        seconds.sort()
        let median =
            seconds.count % 2 == 1
            ? seconds[seconds.count / 2]
            : (seconds[seconds.count / 2 - 1] + seconds[seconds.count / 2]) / 2
        return Result(
            samplesPerSecond: Double(steps * batchSize) / median, medianSeconds: median,
            steps: steps, batchSize: batchSize, parameterCount: model.parameterCount)
    }

    /// Standard normal features and uniformly drawn labels; only the arithmetic matters here.
    /// Rows are a multiple of the batch size so every timed step sees a full batch.
    private static func syntheticData(shape: Shape, task: Task, rows: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed, stream: 0xBE4C)
        let features = (0..<(rows * shape.count)).map { _ in Float(generator.nextGaussian()) }
        let labels = (0..<rows).map { _ in Float(generator.nextInt(below: task.classCount)) }
        return Dataset(features: features, labels: labels, exampleShape: shape, task: task)
    }
}
