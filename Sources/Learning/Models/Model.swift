/// A network together with its task and loss: the thing a site trains and evaluates.
///
/// It keeps its own batch and loss-gradient buffers, so a training step copies the sampled
/// rows once into a contiguous batch and allocates nothing.
public final class Model {
    public let spec: ModelSpec
    public let task: Task
    public let network: Network
    private let loss: any Loss
    private var batchFeatures = FloatBuffer(count: 0)
    private var batchLabels = FloatBuffer(count: 0)
    private var logitGradient = FloatBuffer(count: 0)
    /// DP-SGD: each example's squared gradient norm in the last batch (of the mean loss).
    private(set) var privateNorms = FloatBuffer(count: 0)
    private var lastBatch = 0
    /// Drives dropout masks; seeded, so a run is reproducible.
    public var generator: SeededGenerator

    public init(spec: ModelSpec, inputShape: Shape, task: Task, seed: UInt64) throws(ModelError) {
        self.spec = spec
        self.task = task
        network = try Network(inputShape: inputShape, layers: spec.makeLayers(inputShape: inputShape, task: task), seed: seed)
        loss = task.loss
        generator = SeededGenerator(seed: seed, stream: 0xD0)
    }

    public var layout: ParameterLayout { network.layout }
    public var parameterCount: Int { network.layout.count }

    public var parameters: [Float] {
        get { network.parameterVector }
        set { network.parameterVector = newValue }
    }

    private func reserve(batch: Int) {
        let width = network.inputShape.count
        if batchLabels.count < batch {
            batchFeatures = FloatBuffer(count: batch * width)
            batchLabels = FloatBuffer(count: batch)
            logitGradient = FloatBuffer(count: batch * task.outputWidth)
            privateNorms = FloatBuffer(count: batch)
        }
    }

    /// Forward and backward on a contiguous batch; leaves d(mean loss)/d(parameters) in
    /// `network.gradients` and returns the mean loss.
    @discardableResult
    public func computeGradient(
        features: UnsafePointer<Float>, labels: UnsafePointer<Float>, batch: Int,
        perExampleSquaredNorms: Bool = false
    ) -> Float {
        reserve(batch: batch)
        let logits = network.forward(features, batch: batch, training: true, generator: &generator)
        let value = loss.evaluate(
            logits: logits, labels: labels, batch: batch, width: task.outputWidth,
            gradient: logitGradient.pointer)
        network.backward(
            input: features, outputGradient: logitGradient.pointer, batch: batch, inputGradient: nil,
            perExampleSquaredNorms: perExampleSquaredNorms ? privateNorms.pointer : nil)
        lastBatch = batch
        return value
    }

    /// Multiplies each example's row of the last batch's loss gradient by `factor(example)`.
    func rescaleLossGradient(_ factor: (Int) -> Float) {
        let width = task.outputWidth
        for example in 0..<lastBatch {
            let scale = factor(example)
            for j in 0..<width { logitGradient.pointer[example * width + j] *= scale }
        }
    }

    /// Back-propagates the (possibly rescaled) loss gradient of the last gathered batch again.
    func backpropagateLastBatch() {
        network.backward(input: batchFeatures.pointer, outputGradient: logitGradient.pointer, batch: lastBatch)
    }

    /// Gathers `rows` of `data` into the batch buffer and computes the gradient on them.
    @discardableResult
    public func computeGradient(on data: Dataset, rows: some Collection<Int>, perExampleSquaredNorms: Bool = false) -> Float {
        let batch = rows.count
        reserve(batch: batch)
        let width = data.featureCount
        data.features.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { y in
                for (slot, row) in rows.enumerated() {
                    (batchFeatures.pointer + slot * width).update(from: x.baseAddress! + row * width, count: width)
                    batchLabels.pointer[slot] = y[row]
                }
            }
        }
        return computeGradient(
            features: batchFeatures.pointer, labels: batchLabels.pointer, batch: batch,
            perExampleSquaredNorms: perExampleSquaredNorms)
    }

    /// Output logits for every row of `data` (`count x task.outputWidth`), in evaluation mode.
    public func logits(for data: Dataset, chunk: Int = 256) -> [Float] {
        let width = data.featureCount
        let outputs = task.outputWidth
        var result = [Float](repeating: 0, count: data.count * outputs)
        data.features.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < data.count {
                    let batch = min(chunk, data.count - start)
                    let y = network.forward(x.baseAddress! + start * width, batch: batch, training: false, generator: &generator)
                    (out.baseAddress! + start * outputs).update(from: y, count: batch * outputs)
                    start += batch
                }
            }
        }
        return result
    }

    /// Accuracy, AUROC, log-loss and confusion counts of the model on `data`.
    public func evaluate(on data: Dataset) -> EvaluationMetrics {
        EvaluationMetrics(logits: logits(for: data), labels: data.labels, task: task)
    }
}
