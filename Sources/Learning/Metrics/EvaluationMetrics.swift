/// What a model scores on a labelled set: the numbers every site reports after evaluation.
public struct EvaluationMetrics: Hashable, Sendable, Codable {
    public var count: Int
    public var accuracy: Double
    /// Nil when the set holds a single class.
    public var auroc: Double?
    /// Mean cross-entropy of the predicted probabilities.
    public var logLoss: Double
    /// Class 1 against the rest.
    public var confusion: ConfusionCounts

    public init(count: Int, accuracy: Double, auroc: Double?, logLoss: Double, confusion: ConfusionCounts) {
        self.count = count
        self.accuracy = accuracy
        self.auroc = auroc
        self.logLoss = logLoss
        self.confusion = confusion
    }

    /// Scores logits (`count x task.outputWidth`) against labels. Binary decisions use
    /// probability > 0.5 (FLamby's rule); multiclass uses the arg-max, and AUROC is computed
    /// for class 1 against the rest.
    public init(logits: [Float], labels: [Float], task: Task) {
        let width = task.outputWidth
        let n = labels.count
        precondition(logits.count == n * width, "one row of logits per label")
        var confusion = ConfusionCounts()
        var correct = 0
        var scores = [Float](repeating: 0, count: n)
        var lossSum = 0.0
        for i in 0..<n {
            let label = Int(labels[i])
            let predicted: Int
            switch task {
            case .binary:
                let z = logits[i]
                let p = Activation.sigmoid(z)
                scores[i] = p
                predicted = p > 0.5 ? 1 : 0
                let y = Double(labels[i]), zd = Double(z)
                lossSum += max(zd, 0) - zd * y + _log1p(_exp(-abs(zd)))
            case .multiclass:
                let row = logits[(i * width)..<((i + 1) * width)]
                let peak = Double(row.max()!)
                let sum = row.reduce(0.0) { $0 + _exp(Double($1) - peak) }
                scores[i] = Float(_exp(Double(logits[i * width + min(1, width - 1)]) - peak) / sum)
                var best = 0
                for j in 1..<width where logits[i * width + j] > logits[i * width + best] { best = j }
                predicted = best
                lossSum += peak + _log(sum) - Double(logits[i * width + label])
            }
            if predicted == label { correct += 1 }
            confusion.record(predictedPositive: predicted == 1, actuallyPositive: label == 1)
        }
        self.init(
            count: n,
            accuracy: n == 0 ? 0 : Double(correct) / Double(n),
            auroc: areaUnderROC(scores: scores, labels: labels.map { $0 == 1 }),
            logLoss: n == 0 ? 0 : lossSum / Double(n),
            confusion: confusion)
    }
}
