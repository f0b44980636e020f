import Testing

@testable import Learning

/// Whole models against PyTorch (float64 references from `scripts/make_learning_fixtures.py`):
/// the same architecture holding the same parameters must give the same logits, loss,
/// parameter gradients (in the same flat order) and input gradient.
@Suite struct PyTorchReferenceTests {
    static let names = ["logistic", "logistic-multiclass", "mlp-relu", "mlp-tanh", "mlp-sigmoid", "cnn-small", "cnn-rgb"]

    static func fixture(_ name: String) throws -> ModelCase {
        let file = try Fixtures.models.get()
        return try #require(file.named(name), "no fixture \(name)")
    }

    @Test(arguments: names)
    func layoutMatchesPyTorchParameterOrder(_ name: String) throws {
        let c = try Self.fixture(name)
        let model = try Model(spec: c.model.spec, inputShape: c.shape, task: c.task.task, seed: 0)
        #expect(model.layout.tensors.map(\.name) == c.tensors.map(\.name))
        #expect(model.layout.tensors.map(\.shape) == c.tensors.map(\.shape))
        #expect(model.parameterCount == c.parameters.count)
    }

    @Test(arguments: names)
    func parametersFollowTheSharedPattern(_ name: String) throws {
        let c = try Self.fixture(name)
        let rebuilt = SinePattern(c.parameterPattern).values(count: c.parameters.count)
        // Same formula, same C library sine: equal to the last bit, or within one rounding.
        expectClose(rebuilt, c.parameters, relative: 1e-6, floor: 0.01, "\(name) parameters")
    }

    @Test(arguments: names)
    func forwardLossAndGradientsMatch(_ name: String) throws {
        let c = try Self.fixture(name)
        let model = try c.makeModel()
        let features = c.features.map(Float.init), labels = c.labels.map(Float.init)
        let loss = features.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                model.computeGradient(features: x.baseAddress!, labels: y.baseAddress!, batch: c.batch)
            }
        }
        expectClose(Double(loss), c.loss, "\(name) loss")
        expectClose(model.network.gradients.array, c.gradients, "\(name) parameter gradients")

        let data = Dataset(features: features, labels: labels, exampleShape: c.shape, task: c.task.task)
        expectClose(model.logits(for: data), c.logits, "\(name) logits")
    }

    @Test(arguments: names)
    func inputGradientMatches(_ name: String) throws {
        let c = try Self.fixture(name)
        let model = try c.makeModel()
        let features = c.features.map(Float.init), labels = c.labels.map(Float.init)
        var logitGradient = [Float](repeating: 0, count: c.logits.count)
        var inputGradient = [Float](repeating: .nan, count: features.count)
        var generator = SeededGenerator(seed: 0)
        features.withUnsafeBufferPointer { x in
            let logits = model.network.forward(x.baseAddress!, batch: c.batch, training: true, generator: &generator)
            labels.withUnsafeBufferPointer { y in
                logitGradient.withUnsafeMutableBufferPointer { g in
                    _ = model.task.loss.evaluate(
                        logits: logits, labels: y.baseAddress!, batch: c.batch,
                        width: model.task.outputWidth, gradient: g.baseAddress!)
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        model.network.backward(
                            input: x.baseAddress!, outputGradient: g.baseAddress!, batch: c.batch,
                            inputGradient: dx.baseAddress!)
                    }
                }
            }
        }
        expectClose(inputGradient, c.inputGradient, "\(name) input gradient")
    }
}
