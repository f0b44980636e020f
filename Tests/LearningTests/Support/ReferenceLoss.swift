import Foundation
@testable import Learning

/// The two training losses written out in Double, straight from their definitions: the
/// objective the whole-model gradient checks differentiate numerically.
enum ReferenceLoss {
    static func mean(logits: [Float], labels: [Float], task: Task) -> Double {
        let width = task.outputWidth
        var total = 0.0
        for row in labels.indices {
            switch task {
            case .binary:
                let z = Double(logits[row]), y = Double(labels[row])
                total += max(z, 0) - z * y + log1p(exp(-abs(z)))
            case .multiclass:
                let z = logits[(row * width)..<((row + 1) * width)].map(Double.init)
                let peak = z.max()!
                total += peak + log(z.reduce(0) { $0 + exp($1 - peak) }) - z[Int(labels[row])]
            }
        }
        return total / Double(labels.count)
    }
}
