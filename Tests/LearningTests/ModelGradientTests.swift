import Testing

@testable import Learning

/// Whole models (network + loss) against central finite differences of the mean loss, with
/// the forward pass recomputed in Double by `ReferenceNetwork`: the gradient with respect to
/// every parameter and to every input value.
@Suite struct ModelGradientTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var spec: ModelSpec
        var inputShape: [Int]
        var task: Task
        var batch: Int
        var testDescription: String { "\(spec) on \(Shape(inputShape)), \(task), batch \(batch)" }
    }

    static let cases: [Case] = [
        Case(spec: .logisticRegression, inputShape: [13], task: .binary, batch: 4),
        Case(spec: .logisticRegression, inputShape: [2, 3, 2], task: .multiclass(classes: 3), batch: 5),
        Case(spec: .mlp(hidden: [8, 8]), inputShape: [13], task: .binary, batch: 6),
        Case(spec: .mlp(hidden: [8, 8]), inputShape: [6], task: .multiclass(classes: 3), batch: 5),
        Case(spec: .mlp(hidden: [7, 5], activation: .tanh), inputShape: [6], task: .multiclass(classes: 4), batch: 3),
        Case(spec: .mlp(hidden: [6], activation: .sigmoid), inputShape: [4], task: .binary, batch: 3),
        Case(spec: .cnn(channels: [2, 3], hidden: 5), inputShape: [1, 8, 8], task: .binary, batch: 3),
        Case(spec: .cnn(channels: [2, 3], hidden: 5), inputShape: [2, 9, 7], task: .multiclass(classes: 3), batch: 2)
    ]

    /// Steps for the Double reference objective: the first is tiny next to the typical gap
    /// between ReLU and max-pool kinks; the smaller ones cover a kink closer than that.
    static let steps: [Double] = [1e-6, 1e-7, 1e-8]
    static let check = GradientCheck(relative: 1e-3, absolute: 1e-4)

    @Test(arguments: cases)
    func parameterGradients(_ c: Case) throws {
        let (model, features, labels) = try Self.setUp(c)
        let value = features.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                model.computeGradient(features: x.baseAddress!, labels: y.baseAddress!, batch: c.batch)
            }
        }
        let analytic = model.network.gradients.array
        let reference = ReferenceNetwork(model.network)
        let x = features.map(Double.init)
        let w = model.parameters.map(Double.init)
        let referenceLogits = reference.logits(x, parameters: w, batch: c.batch)
        expectClose(Self.logits(model, features, batch: c.batch), referenceLogits, relative: 1e-5, "\(c.testDescription) logits")
        expectClose(
            Double(value), ReferenceLoss.mean(logits: referenceLogits, labels: labels, task: c.task), relative: 1e-5,
            "\(c.testDescription) loss")
        let report = Self.check.compare(analytic, at: w, steps: Self.steps, "\(c.testDescription) d/dparameters") { w in
            ReferenceLoss.mean(logits: reference.logits(x, parameters: w, batch: c.batch), labels: labels, task: c.task)
        }
        #expect(report.neededSmallerStep * 20 <= report.checked, "a kink within 1e-6 of \(report.neededSmallerStep) parameters?")
    }

    @Test(arguments: cases)
    func inputGradients(_ c: Case) throws {
        let (model, features, labels) = try Self.setUp(c)
        let network = model.network
        var inputGradient = [Float](repeating: .nan, count: features.count)
        var logitGradient = [Float](repeating: 0, count: c.batch * c.task.outputWidth)
        var generator = SeededGenerator(seed: 1)
        features.withUnsafeBufferPointer { x in
            let logits = network.forward(x.baseAddress!, batch: c.batch, training: true, generator: &generator)
            labels.withUnsafeBufferPointer { y in
                logitGradient.withUnsafeMutableBufferPointer { g in
                    _ = c.task.loss.evaluate(
                        logits: logits, labels: y.baseAddress!, batch: c.batch,
                        width: c.task.outputWidth, gradient: g.baseAddress!)
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        network.backward(
                            input: x.baseAddress!, outputGradient: g.baseAddress!, batch: c.batch,
                            inputGradient: dx.baseAddress!)
                    }
                }
            }
        }
        let reference = ReferenceNetwork(network)
        let w = model.parameters.map(Double.init)
        let report = Self.check.compare(
            inputGradient, at: features.map(Double.init), steps: Self.steps,
            "\(c.testDescription) d/dinput"
        ) { x in
            ReferenceLoss.mean(logits: reference.logits(x, parameters: w, batch: c.batch), labels: labels, task: c.task)
        }
        #expect(report.neededSmallerStep * 20 <= report.checked, "a kink within 1e-6 of \(report.neededSmallerStep) inputs?")
    }

    @Test func trainingBackwardSkipsTheInputGradientButAgreesOnParameters() throws {
        // The training entry point (no input gradient) and the one that also returns it must
        // leave the same parameter gradients.
        let c = Self.cases[6]
        let (model, features, labels) = try Self.setUp(c)
        func parameterGradient(withInput: Bool) -> [Float] {
            var generator = SeededGenerator(seed: 1)
            var logitGradient = [Float](repeating: 0, count: c.batch * c.task.outputWidth)
            var inputGradient = [Float](repeating: 0, count: features.count)
            features.withUnsafeBufferPointer { x in
                let logits = model.network.forward(x.baseAddress!, batch: c.batch, training: true, generator: &generator)
                labels.withUnsafeBufferPointer { y in
                    logitGradient.withUnsafeMutableBufferPointer { g in
                        _ = c.task.loss.evaluate(
                            logits: logits, labels: y.baseAddress!, batch: c.batch,
                            width: c.task.outputWidth, gradient: g.baseAddress!)
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            model.network.backward(
                                input: x.baseAddress!, outputGradient: g.baseAddress!, batch: c.batch,
                                inputGradient: withInput ? dx.baseAddress! : nil)
                        }
                    }
                }
            }
            return model.network.gradients.array
        }
        #expect(parameterGradient(withInput: false) == parameterGradient(withInput: true))
    }

    static func setUp(_ c: Case) throws -> (Model, [Float], [Float]) {
        let model = try Model(spec: c.spec, inputShape: Shape(c.inputShape), task: c.task, seed: 3)
        var generator = SeededGenerator(seed: 31)
        let features = generator.floats(c.batch * Shape(c.inputShape).count, in: -2..<2)
        let labels = (0..<c.batch).map { _ in Float(generator.nextInt(below: c.task.classCount)) }
        return (model, features, labels)
    }

    static func logits(_ model: Model, _ features: [Float], batch: Int) -> [Float] {
        var generator = SeededGenerator(seed: 1)
        return features.withUnsafeBufferPointer { x in
            let y = model.network.forward(x.baseAddress!, batch: batch, training: false, generator: &generator)
            return Array(UnsafeBufferPointer(start: y, count: batch * model.task.outputWidth))
        }
    }
}
