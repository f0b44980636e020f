/// Softmax followed by the negative log-likelihood of the labelled class (labels are class
/// indices stored as Float), computed with the log-sum-exp shift for stability.
public struct SoftmaxCrossEntropy: Loss {
    public init() {}

    public func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Float>, batch: Int, width: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> Float {
        guard batch > 0 else { return 0 }
        var total: Float = 0
        let scale = 1 / Float(batch)
        for i in 0..<batch {
            let z = logits + i * width
            var peak = z[0]
            for j in 1..<max(width, 1) { peak = max(peak, z[j]) }
            var sum: Float = 0
            for j in 0..<width { sum += _expf(z[j] - peak) }
            let label = Int(labels[i])
            total += peak + _logf(sum) - z[label]
            if let gradient {
                let g = gradient + i * width
                for j in 0..<width { g[j] = _expf(z[j] - peak) / sum * scale }
                g[label] -= scale
            }
        }
        return total * scale
    }
}
