import Testing

@testable import Learning

/// Local training end to end: it learns what is learnable, and the same seed reproduces
/// the same model to the last bit.
@Suite struct ModelTrainingTests {
    /// Two Gaussian-ish clouds either side of the line x0 + x1 = 0, with a margin.
    static func separablePoints(count: Int, features: Int = 4, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Float] = []
        while y.count < count {
            let point = generator.floats(features, in: -2..<2)
            let side = point[0] + point[1]
            guard abs(side) > 0.3 else { continue }
            x += point
            y.append(side > 0 ? 1 : 0)
        }
        return Dataset(features: x, labels: y, exampleShape: Shape(features), task: .binary)
    }

    /// 6x6 images with a bright 2x2 square in one of three places (the class), plus noise.
    static func squares(count: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Float] = []
        let corners = [(0, 0), (0, 4), (4, 2)]
        for _ in 0..<count {
            let label = generator.nextInt(below: 3)
            var image = generator.floats(36, in: -0.2..<0.2)
            let (row, column) = corners[label]
            for i in 0..<2 { for j in 0..<2 { image[(row + i) * 6 + column + j] += 1 } }
            x += image
            y.append(Float(label))
        }
        return Dataset(features: x, labels: y, exampleShape: Shape(1, 6, 6), task: .multiclass(classes: 3))
    }

    static func train(
        _ spec: ModelSpec, on data: Dataset, steps: Int, optimizer spec2: OptimizerSpec,
        batchSize: Int = 8, seed: UInt64 = 5
    ) throws -> (Model, first: Double, last: Double) {
        let model = try Model(spec: spec, inputShape: data.exampleShape, task: data.task, seed: seed)
        var sampler = BatchSampler(rowCount: data.count, batchSize: batchSize, seed: seed)
        var optimizer = spec2.makeOptimizer(parameterCount: model.parameterCount)
        let before = model.evaluate(on: data).logLoss
        _ = model.train(on: data, steps: steps, sampler: &sampler, optimizer: &optimizer)
        return (model, before, model.evaluate(on: data).logLoss)
    }

    @Test(arguments: [ModelSpec.logisticRegression, .mlp(hidden: [8, 8]), .mlp(hidden: [16], activation: .tanh, dropout: 0.2)])
    func trainingLearnsASeparableSet(_ spec: ModelSpec) throws {
        let data = Self.separablePoints(count: 120, seed: 61)
        let (model, first, last) = try Self.train(spec, on: data, steps: 300, optimizer: .sgd(learningRate: 0.2, momentum: 0.5))
        let metrics = model.evaluate(on: data)
        #expect(last < first / 3, "log-loss \(first) -> \(last)")
        #expect(metrics.accuracy >= 0.97, "accuracy \(metrics.accuracy)")
        #expect((metrics.auroc ?? 0) >= 0.99)
    }

    @Test func convolutionalModelLearnsWhereTheSquareIs() throws {
        let data = Self.squares(count: 60, seed: 62)
        let (model, first, last) = try Self.train(
            .cnn(channels: [4, 4], hidden: 8), on: data, steps: 150,
            optimizer: .adam(learningRate: 0.01))
        #expect(last < first / 4, "log-loss \(first) -> \(last)")
        #expect(model.evaluate(on: data).accuracy == 1)
    }

    @Test func trainingSummaryCountsStepsExamplesAndAdjustments() throws {
        let data = Self.separablePoints(count: 10, seed: 63)
        let model = try Model(spec: .logisticRegression, inputShape: data.exampleShape, task: .binary, seed: 1)
        var sampler = BatchSampler(rowCount: data.count, batchSize: 4, seed: 1)
        var optimizer = OptimizerSpec.sgd(learningRate: 0.1).makeOptimizer(parameterCount: model.parameterCount)
        var adjustments = 0
        let summary = model.train(on: data, steps: 5, sampler: &sampler, optimizer: &optimizer) { _, gradients, count in
            adjustments += 1
            #expect(count == model.parameterCount)
            for i in 0..<count { gradients[i] = 0 }  // a frozen model
        }
        #expect(summary.steps == 5 && summary.examples == 4 + 4 + 2 + 4 + 4)
        #expect(adjustments == 5)
        #expect(summary.meanLoss > 0)
        // Zeroed gradients: SGD without weight decay leaves the parameters where they were.
        let untrained = try Model(spec: .logisticRegression, inputShape: data.exampleShape, task: .binary, seed: 1)
        #expect(model.parameters == untrained.parameters)
    }

    @Test(arguments: [ModelSpec.mlp(hidden: [8, 8], dropout: 0.3), .cnn(channels: [2, 3], hidden: 5)])
    func sameSeedTrainsBitIdenticalModels(_ spec: ModelSpec) throws {
        let data =
            spec == .cnn(channels: [2, 3], hidden: 5)
            ? Self.squares(count: 20, seed: 64)
            : Self.separablePoints(count: 40, seed: 64)
        let a = try Self.train(spec, on: data, steps: 40, optimizer: .adam(learningRate: 0.01), seed: 9).0
        let b = try Self.train(spec, on: data, steps: 40, optimizer: .adam(learningRate: 0.01), seed: 9).0
        let c = try Self.train(spec, on: data, steps: 40, optimizer: .adam(learningRate: 0.01), seed: 10).0
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(a.parameters != c.parameters)
    }

    @Test func logitsDoNotDependOnTheEvaluationChunk() throws {
        let data = Self.squares(count: 11, seed: 65)
        let model = try Model(spec: .cnn(channels: [2, 3], hidden: 5), inputShape: data.exampleShape, task: data.task, seed: 2)
        let whole = model.logits(for: data)
        let chunked = model.logits(for: data, chunk: 3)
        #expect(whole.count == 33)
        #expect(zip(whole, chunked).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) })
    }

    @Test func modelsDifferOnlyByTheirSeed() throws {
        let a = try Model(spec: .mlp(hidden: [4]), inputShape: Shape(3), task: .binary, seed: 1)
        let b = try Model(spec: .mlp(hidden: [4]), inputShape: Shape(3), task: .binary, seed: 1)
        let c = try Model(spec: .mlp(hidden: [4]), inputShape: Shape(3), task: .binary, seed: 2)
        #expect(a.parameters == b.parameters && a.parameters != c.parameters)
        // PyTorch's default initialisation range: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        let firstWeights = a.parameters[a.layout["dense1.weight"]!.range]
        #expect(firstWeights.allSatisfy { abs($0) <= 1 / Float(3).squareRoot() })
    }

    @Test func mismatchedShapesAreRejected() {
        #expect(throws: ModelError.self) { try Model(spec: .cnn(), inputShape: Shape(13), task: .binary, seed: 0) }
        #expect(throws: ModelError.self) {
            try Network(inputShape: Shape(2, 2, 2), layers: [Dense(outputs: 3)], seed: 0)
        }
    }
}
