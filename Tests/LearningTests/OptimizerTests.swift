import Testing

@testable import Learning

/// SGD (momentum, weight decay) and Adam against `torch.optim`, first on given gradients,
/// then as full training steps of a model through `Model.train`.
@Suite struct OptimizerTests {
    @Test func stepsOnGivenGradientsMatchPyTorch() throws {
        let file = try Fixtures.optimizers.get()
        #expect(Set(file.onGradients.map(\.optimizer)) == ["sgd", "adam"])
        for c in file.onGradients {
            var parameters = c.start.map(Float.init)
            var optimizer = c.settings.makeOptimizer(kind: c.optimizer, parameterCount: parameters.count)
            for (step, gradient) in c.gradients.enumerated() {
                let g = gradient.map(Float.init)
                parameters.withUnsafeMutableBufferPointer { p in
                    g.withUnsafeBufferPointer { optimizer.step(parameters: p.baseAddress!, gradients: $0.baseAddress!, count: g.count) }
                }
                expectClose(parameters, c.trajectory[step], relative: 1e-5, "\(c.optimizer) step \(step + 1)")
            }
        }
    }

    @Test func trainingStepsMatchPyTorch() throws {
        let file = try Fixtures.optimizers.get()
        let models = try Fixtures.models.get()
        #expect(file.onModels.count >= 3)
        for c in file.onModels {
            let reference = try #require(models.named(c.model))
            let model = try reference.makeModel()
            // One batch holding every row: each step sees the whole fixture batch (in the
            // sampler's order, which a mean over the batch does not depend on).
            let data = Dataset(
                features: reference.features.map(Float.init), labels: reference.labels.map(Float.init),
                exampleShape: reference.shape, task: reference.task.task)
            var sampler = BatchSampler(rowCount: data.count, batchSize: data.count, seed: 4)
            var optimizer = c.settings.makeOptimizer(kind: c.optimizer, parameterCount: model.parameterCount)
            for step in c.trajectory.indices {
                let summary = model.train(on: data, steps: 1, sampler: &sampler, optimizer: &optimizer)
                expectClose(summary.meanLoss, c.losses[step], "\(c.optimizer) on \(c.model) loss at step \(step + 1)")
                expectClose(model.parameters, c.trajectory[step], "\(c.optimizer) on \(c.model) parameters after step \(step + 1)")
            }
        }
    }

    @Test func specBuildsTheOptimizerItNames() {
        var sgd = OptimizerSpec.sgd(learningRate: 0.5).makeOptimizer(parameterCount: 2)
        var adam = OptimizerSpec.adam(learningRate: 0.1).makeOptimizer(parameterCount: 2)
        #expect(sgd is SGD && adam is Adam)
        #expect(OptimizerSpec.adam(learningRate: 0.1).learningRate == 0.1)
        // Plain SGD: w -= lr * g, exactly.
        var w: [Float] = [1, -2]
        let g: [Float] = [0.5, 0.25]
        w.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { sgd.step(parameters: p.baseAddress!, gradients: $0.baseAddress!, count: 2) } }
        #expect(w == [0.75, -2.125])
        // Adam's first step moves every coordinate by about the learning rate, against the gradient.
        var v: [Float] = [1, -2]
        v.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { adam.step(parameters: p.baseAddress!, gradients: $0.baseAddress!, count: 2) } }
        #expect(abs(v[0] - 0.9) < 1e-6 && abs(v[1] + 2.1) < 1e-6)
    }
}
