import Testing

@testable import Learning

/// The benchmark's bookkeeping; how fast it runs is printed, never asserted (the figure
/// depends on the machine and on what else runs on it).
@Suite struct TrainingThroughputTests {
    @Test func measuresWhatItWasAsked() throws {
        let result = try TrainingThroughput.measure(
            spec: .mlp(hidden: [16]), inputShape: Shape(13), task: .binary,
            batchSize: 8, steps: 20, repetitions: 3, seed: 1)
        print("TrainingThroughput mlp:16 batch 8 (debug build):", result)
        #expect(result.steps == 20 && result.batchSize == 8)
        #expect(result.parameterCount == 13 * 16 + 16 + 16 + 1)
        #expect(result.medianSeconds > 0 && result.samplesPerSecond.isFinite)
        #expect(abs(result.samplesPerSecond * result.medianSeconds - 160) < 1e-6 * 160)
    }

    @Test func convolutionalAndMulticlassModelsRun() throws {
        let result = try TrainingThroughput.measure(
            spec: .cnn(channels: [2, 3], hidden: 5), inputShape: Shape(1, 8, 8),
            task: .multiclass(classes: 3), batchSize: 5, steps: 3, repetitions: 2)
        #expect(result.samplesPerSecond > 0)
    }

    @Test func invalidRequestsThrow() {
        #expect(throws: ModelError.self) {
            try TrainingThroughput.measure(spec: .logisticRegression, inputShape: Shape(3), task: .binary, batchSize: 0, steps: 1)
        }
        #expect(throws: ModelError.self) {
            try TrainingThroughput.measure(spec: .cnn(), inputShape: Shape(3), task: .binary, batchSize: 2, steps: 1)
        }
    }
}
