import Foundation

@testable import Learning

/// The two training losses written out in Double, straight from their definitions: the
/// objective the whole-model gradient checks differentiate numerically.
enum ReferenceLoss {
    static func mean(logits: [Double], labels: [Double], task: Task) -> Double {
        let width = task.outputWidth
        var total = 0.0
        for row in labels.indices {
            switch task {
            case .binary:
                let z = logits[row], y = labels[row]
                total += max(z, 0) - z * y + log1p(exp(-abs(z)))
            case .multiclass:
                let z = logits[(row * width)..<((row + 1) * width)]
                let peak = z.max()!
                total += peak + log(z.reduce(0) { $0 + exp($1 - peak) }) - z[z.startIndex + Int(labels[row])]
            }
        }
        return total / Double(labels.count)
    }
}
