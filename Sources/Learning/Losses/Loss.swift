/// A training objective on a batch of logits.
public protocol Loss: Sendable {
    /// Mean loss over the batch. When `gradient` is non-nil, also writes d(mean loss)/d(logits)
    /// (`batch x width`) there.
    func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Float>, batch: Int, width: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> Float
}

extension Task {
    /// The loss that matches the task's label encoding.
    public var loss: any Loss {
        switch self {
        case .binary: BinaryCrossEntropyWithLogits()
        case .multiclass: SoftmaxCrossEntropy()
        }
    }
}
