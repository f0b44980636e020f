import Learning

/// The three training workloads of the PyTorch peer benchmark (shared/anchors/train_bench.py),
/// with the same shapes, batch sizes and losses.
package enum TrainingBenchmark {
    package static func runAll() throws -> [String: TrainingThroughput.Result] {
        [
            "logreg_batch4": try TrainingThroughput.measure(
                spec: .logisticRegression, inputShape: Shape(13), task: .binary, batchSize: 4, steps: 20000),
            "mlp_13_64_64_1_batch32": try TrainingThroughput.measure(
                spec: .mlp(hidden: [64, 64]), inputShape: Shape(13), task: .binary, batchSize: 32, steps: 5000),
            "cnn_28x28_batch64": try TrainingThroughput.measure(
                spec: .cnn(), inputShape: Shape(1, 28, 28), task: .multiclass(classes: 2), batchSize: 64, steps: 50)
        ]
    }
}
