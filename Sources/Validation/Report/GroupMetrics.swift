import Federation

/// Every metric of one set of test patients (a site, the pooled sites, or a patient group
/// within either), computed from its score histogram alone.
public struct GroupMetrics: Hashable, Sendable {
    public var size: Int
    public var positives: Int
    public var negatives: Int
    /// AUROC with DeLong's interval.
    public var auroc: Result<Interval, NotEstimable>
    /// The AUROC itself, also where its interval is not estimable (one patient of a class).
    public var aurocEstimate: Double?
    /// DeLong's variance of the AUROC, for differences between groups.
    public var aurocVariance: Double?
    /// The most the binned AUROC can differ from the unrounded scores' (ties within a bin).
    public var aurocTieBound: Double?
    public var rocCurve: [BinnedROC.Point]
    public var calibrationSlope: Result<Interval, NotEstimable>
    public var calibrationIntercept: Result<Interval, NotEstimable>
    /// The intercept with the slope fixed at 1; 0 means right on average.
    public var calibrationInTheLarge: Result<Interval, NotEstimable>
    /// Observed events over the sum of predicted risks.
    public var observedExpectedRatio: Result<Double, NotEstimable>
    public var meanObserved: Double?
    public var meanPredicted: Double?
    public var operatingPoints: [OperatingPoint]
    public var reliability: ReliabilityDiagram
    public var decisionCurve: DecisionCurve

    public init(_ histogram: ScoreHistogram, settings: ValidationSettings) {
        let thresholds = settings.thresholds
        size = histogram.count
        positives = histogram.positives
        negatives = histogram.negatives
        let roc = Result { () throws(NotEstimable) in try BinnedROC(histogram) }
        auroc = roc.flatMap { roc in Result { () throws(NotEstimable) in try roc.interval() } }
        aurocEstimate = (try? roc.get())?.auroc
        aurocVariance = (try? roc.get())?.variance.finiteOrNil
        aurocTieBound = (try? roc.get())?.tieBound
        rocCurve = BinnedROC.curve(histogram)
        let fit = Result { () throws(NotEstimable) in try LogisticRecalibration(histogram) }
        calibrationSlope = fit.map(\.slope)
        calibrationIntercept = fit.map(\.intercept)
        calibrationInTheLarge = Result { () throws(NotEstimable) in try LogisticRecalibration.calibrationInTheLarge(histogram) }
        let expected = histogram.cells.reduce(0.0) { $0 + $1.probabilitySum }
        if size > 0 {
            meanObserved = Double(positives) / Double(size)
            meanPredicted = expected / Double(size)
        }
        observedExpectedRatio =
            expected > 0 && size > 0
            ? .success(Double(positives) / expected)
            : .failure(NotEstimable("not defined: no patient, or every predicted risk is 0"))
        operatingPoints = thresholds.map { OperatingPoint(histogram, threshold: $0) }
        reliability = ReliabilityDiagram(histogram, minimumGroupSize: settings.minimumGroupSize)
        decisionCurve = DecisionCurve(histogram)
    }

    /// The operating point at `threshold`, if the report evaluates it.
    public func operatingPoint(at threshold: Double) -> OperatingPoint? {
        operatingPoints.first { $0.threshold == threshold }
    }
}

extension Double {
    /// Nil for NaN and infinity: what the report shows as "not estimable", never as a number.
    var finiteOrNil: Double? { isFinite ? self : nil }
}
