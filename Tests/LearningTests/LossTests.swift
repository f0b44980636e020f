import Testing

@testable import Learning

/// The two training losses: gradients by finite differences, and values against PyTorch,
/// including logits of ±50 where a naive formula overflows or loses everything to rounding.
@Suite struct LossTests {
    static func evaluate(_ loss: any Loss, logits: [Float], labels: [Float], width: Int) -> (value: Float, gradient: [Float]) {
        var gradient = [Float](repeating: .nan, count: logits.count)
        let value = logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    loss.evaluate(
                        logits: z.baseAddress!, labels: y.baseAddress!, batch: labels.count, width: width,
                        gradient: g.baseAddress!)
                }
            }
        }
        return (value, gradient)
    }

    static func value(_ loss: any Loss, logits: [Float], labels: [Float], width: Int) -> Float {
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                loss.evaluate(logits: z.baseAddress!, labels: y.baseAddress!, batch: labels.count, width: width, gradient: nil)
            }
        }
    }

    @Test func softmaxCrossEntropyGradient() {
        var generator = SeededGenerator(seed: 41)
        let logits = generator.floats(5 * 4, in: -3..<3)
        let labels: [Float] = [0, 3, 1, 2, 2]
        let loss = SoftmaxCrossEntropy()
        let analytic = Self.evaluate(loss, logits: logits, labels: labels, width: 4)
        GradientCheck(relative: 2e-3, absolute: 1e-3).compare(analytic.gradient, at: logits, "softmax cross-entropy") { z in
            Double(Self.value(loss, logits: z, labels: labels, width: 4))
        }
        #expect(analytic.value == Self.value(loss, logits: logits, labels: labels, width: 4))
    }

    @Test func binaryCrossEntropyGradient() {
        var generator = SeededGenerator(seed: 42)
        let logits = generator.floats(6, in: -4..<4)
        let labels: [Float] = [1, 0, 0, 1, 1, 0]
        let loss = BinaryCrossEntropyWithLogits()
        let analytic = Self.evaluate(loss, logits: logits, labels: labels, width: 1)
        GradientCheck(relative: 2e-3, absolute: 1e-3).compare(analytic.gradient, at: logits, "BCE with logits") { z in
            Double(Self.value(loss, logits: z, labels: labels, width: 1))
        }
        #expect(analytic.value == Self.value(loss, logits: logits, labels: labels, width: 1))
    }

    @Test func valuesAndGradientsMatchPyTorch() throws {
        let file: LossFile = try Fixtures.load("losses")
        #expect(file.cases.count >= 6)
        for c in file.cases {
            let loss: any Loss = c.loss == "binary-cross-entropy-with-logits" ? BinaryCrossEntropyWithLogits() : SoftmaxCrossEntropy()
            let result = Self.evaluate(loss, logits: c.logits.map(Float.init), labels: c.labels.map(Float.init), width: c.width)
            #expect(result.value.isFinite && result.gradient.allSatisfy { $0.isFinite }, "\(c.loss) \(c.name): not finite")
            // Confidently right answers have a loss near 1e-22: compared on an absolute scale.
            expectClose(Double(result.value), c.value, relative: 1e-5, floor: 1, "\(c.loss) \(c.name) value")
            expectClose(result.gradient, c.gradient, relative: 1e-5, floor: 0.01, absolute: 1e-30, "\(c.loss) \(c.name) gradient")
        }
    }

    @Test func taskPicksTheMatchingLoss() {
        #expect(Task.binary.loss is BinaryCrossEntropyWithLogits)
        #expect(Task.multiclass(classes: 3).loss is SoftmaxCrossEntropy)
        #expect(Self.value(SoftmaxCrossEntropy(), logits: [], labels: [], width: 3) == 0)
        #expect(Self.value(BinaryCrossEntropyWithLogits(), logits: [], labels: [], width: 1) == 0)
    }
}
