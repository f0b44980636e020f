/// Binary cross-entropy on logits, `max(z, 0) - z*y + log(1 + e^-|z|)`: the same objective as
/// a sigmoid followed by `BCELoss` (FLamby's logistic regression) without its overflow.
public struct BinaryCrossEntropyWithLogits: Loss {
    public init() {}

    public func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Float>, batch: Int, width: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> Float {
        precondition(width == 1, "binary cross-entropy expects one logit per example")
        guard batch > 0 else { return 0 }
        var total: Float = 0
        let scale = 1 / Float(batch)
        for i in 0..<batch {
            let z = logits[i], y = labels[i]
            total += max(z, 0) - z * y + _log1pf(_expf(-abs(z)))
            gradient?[i] = (Activation.sigmoid(z) - y) * scale
        }
        return total * scale
    }
}
