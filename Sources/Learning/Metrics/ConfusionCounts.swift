/// Counts of a binary decision against the truth (class 1 is "positive").
public struct ConfusionCounts: Hashable, Sendable, Codable {
    public var truePositives = 0
    public var falsePositives = 0
    public var trueNegatives = 0
    public var falseNegatives = 0

    public init() {}

    public mutating func record(predictedPositive: Bool, actuallyPositive: Bool) {
        switch (predictedPositive, actuallyPositive) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    public var accuracy: Double { total == 0 ? 0 : Double(truePositives + trueNegatives) / Double(total) }
    public var sensitivity: Double? { truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives) }
    public var specificity: Double? { trueNegatives + falsePositives == 0 ? nil : Double(trueNegatives) / Double(trueNegatives + falsePositives) }
}
