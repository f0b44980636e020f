import Testing

@testable import Learning

/// DP-SGD's batched per-example clipping against the definition: each example back-propagated
/// on its own, its gradient clipped, the clipped gradients summed.
@Suite struct PrivateTrainingTests {
    func data(shape: Shape, task: Task, rows: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        let features = (0..<(rows * shape.count)).map { _ in Float(generator.nextGaussian()) }
        let labels = (0..<rows).map { _ in Float(generator.nextInt(below: task.classCount)) }
        return Dataset(features: features, labels: labels, exampleShape: shape, task: task)
    }

    /// Gradients of each example alone, by running a batch of one.
    func perExampleGradients(_ model: Model, _ data: Dataset, rows: [Int]) -> [[Float]] {
        rows.map { row in
            model.computeGradient(on: data, rows: [row])
            return model.network.gradients.array
        }
    }

    static let cases: [(ModelSpec, Shape, Task)] = [
        (.logisticRegression, Shape(13), .binary),
        (.mlp(hidden: [16, 8]), Shape(13), .binary),
        (.cnn(channels: [3, 4], hidden: 6), Shape(1, 8, 8), .multiclass(classes: 2))
    ]

    @Test(arguments: 0..<3)
    func perExampleNormsMatchSeparateBackwardPasses(index: Int) throws {
        let (spec, shape, task) = PrivateTrainingTests.cases[index]
        let model = try Model(spec: spec, inputShape: shape, task: task, seed: 3)
        let set = data(shape: shape, task: task, rows: 9, seed: 4)
        let rows = Array(0..<9)
        let expected = perExampleGradients(model, set, rows: rows).map { $0.map { Double($0) * Double($0) }.reduce(0, +) }
        model.computeGradient(on: set, rows: rows, perExampleSquaredNorms: true)
        for (example, norm) in expected.enumerated() {
            let batched = Double(model.privateNorms.pointer[example]) * 81  // norms are of the mean loss
            #expect(abs(batched - norm) <= 1e-4 * max(norm, 1e-3), "example \(example): \(batched) vs \(norm)")
        }
    }

    @Test(arguments: 0..<3)
    func clippedSumMatchesTheDefinition(index: Int) throws {
        let (spec, shape, task) = PrivateTrainingTests.cases[index]
        let model = try Model(spec: spec, inputShape: shape, task: task, seed: 5)
        let set = data(shape: shape, task: task, rows: 7, seed: 6)
        let rows = [0, 2, 3, 5, 6]
        let separate = perExampleGradients(model, set, rows: rows)
        let norms = separate.map { $0.map { $0 * $0 }.reduce(0, +).squareRoot() }
        let clip = norms.sorted()[2]  // clips about half of them
        var expected = [Float](repeating: 0, count: model.parameterCount)
        for (gradient, norm) in zip(separate, norms) {
            let factor = min(1, clip / norm)
            for i in expected.indices { expected[i] += factor * gradient[i] }
        }
        var noise = DPNoise(.seeded, seed: 1)
        model.computePrivateGradient(
            on: set, rows: rows, parameters: DPSGDParameters(clipNorm: clip, noiseMultiplier: 0, samplingRate: 0.5),
            expectedBatchSize: 1, noise: &noise)
        let got = model.network.gradients.array
        for i in expected.indices {
            #expect(abs(got[i] - expected[i]) <= 1e-4 * max(abs(expected[i]), 1e-2))
        }
    }

    @Test func noiseHasTheRequestedDeviationAndIsSeeded() throws {
        let model = try Model(spec: .mlp(hidden: [64]), inputShape: Shape(13), task: .binary, seed: 1)
        let set = data(shape: Shape(13), task: .binary, rows: 10, seed: 2)
        let dp = DPSGDParameters(clipNorm: 0.5, noiseMultiplier: 2, samplingRate: 0.1)
        var noise = DPNoise(.seeded, seed: 9)
        model.computePrivateGradient(on: set, rows: [], parameters: dp, expectedBatchSize: 4, noise: &noise)
        let pure = model.network.gradients.array.map { Double($0) }
        // Empty batch: only noise, N(0, (sigma C / expected batch)^2) = N(0, 0.25^2).
        let mean = pure.reduce(0, +) / Double(pure.count)
        let sd = (pure.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(pure.count)).squareRoot()
        #expect(abs(sd - 0.25) < 0.02)
        #expect(abs(mean) < 0.02)
        var again = DPNoise(.seeded, seed: 9)
        model.computePrivateGradient(on: set, rows: [], parameters: dp, expectedBatchSize: 4, noise: &again)
        #expect(model.network.gradients.array.map { Double($0) } == pure)
    }

    @Test func poissonBatchesHaveTheRightRateAndAreSeeded() {
        var sampler = PoissonSampler(rowCount: 1000, rate: 0.05, seed: 3, source: .seeded)
        let sizes = (0..<200).map { _ in sampler.nextBatch().count }
        let mean = Double(sizes.reduce(0, +)) / 200
        #expect(abs(mean - 50) < 3)
        #expect(Set(sizes).count > 5)
        var a = PoissonSampler(rowCount: 100, rate: 0.1, seed: 8, source: .seeded)
        var b = PoissonSampler(rowCount: 100, rate: 0.1, seed: 8, source: .seeded)
        #expect(a.nextBatch() == b.nextBatch())
    }

    @Test func privateTrainingStillLearns() throws {
        var generator = SeededGenerator(seed: 12)
        var features: [Float] = [], labels: [Float] = []
        for _ in 0..<400 {
            let x = (0..<4).map { _ in Float(generator.nextGaussian()) }
            features += x
            labels.append(x[0] + x[1] > 0 ? 1 : 0)
        }
        let set = Dataset(features: features, labels: labels, exampleShape: Shape(4), task: .binary)
        let model = try Model(spec: .logisticRegression, inputShape: Shape(4), task: .binary, seed: 1)
        var sampler = PoissonSampler(rowCount: 400, rate: 0.05, seed: 2, source: .seeded)
        var optimizer: any Optimizer = SGD(learningRate: 0.5, parameterCount: model.parameterCount)
        var noise = DPNoise(.seeded, seed: 3)
        _ = model.trainPrivately(
            on: set, steps: 200, sampler: &sampler, parameters: DPSGDParameters(clipNorm: 1, noiseMultiplier: 1, samplingRate: 0.05),
            optimizer: &optimizer, noise: &noise)
        #expect(model.evaluate(on: set).accuracy > 0.9)
    }
}
