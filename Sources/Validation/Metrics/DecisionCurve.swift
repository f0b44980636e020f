import Federation

/// Decision-curve analysis: Vickers & Elkin, "Decision curve analysis: a novel method for
/// evaluating prediction models", Medical Decision Making 26:565-574 (2006).
///
/// At a threshold probability `pt` (the risk at which a clinician would treat), treating the
/// patients scored at or above `pt` has net benefit `TP/n - FP/n * pt / (1 - pt)`: true
/// positives gained, less false positives weighted by the odds at which harm and benefit are
/// judged equal. Treating everyone has `prevalence - (1 - prevalence) * pt / (1 - pt)`;
/// treating no one has 0. A model is useful at `pt` where its curve lies above both.
public struct DecisionCurve: Hashable, Sendable {
    public struct Point: Hashable, Sendable, Codable {
        public var threshold: Double
        public var netBenefit: Double
        public var treatAll: Double
        /// Always 0; kept so every curve of the figure is in the data.
        public var treatNone: Double
    }

    /// Thresholds 0.01, 0.02, ..., 0.99: the range over which decision curves are drawn.
    public static let thresholds: [Double] = (1...99).map { Double($0) / 100 }

    public var points: [Point]

    public init(_ histogram: ScoreHistogram, thresholds: [Double] = DecisionCurve.thresholds) {
        let n = Double(histogram.count)
        let prevalence = n > 0 ? Double(histogram.positives) / n : 0
        points = thresholds.map { pt in
            let decision = OperatingPoint(histogram, threshold: pt)
            let odds = pt / (1 - pt)
            let benefit = n > 0 ? Double(decision.truePositives) / n - Double(decision.falsePositives) / n * odds : 0
            return Point(threshold: pt, netBenefit: benefit, treatAll: prevalence - (1 - prevalence) * odds, treatNone: 0)
        }
    }
}
