/// What every site does to its update before it enters a secure sum, and how it counts.
public struct SummandPlan: Hashable, Sendable {
    public var weighting: UpdateWeighting
    /// Sites scale their update to at most this L2 norm first (DP-FedAvg's clipping, which the
    /// coordinator can no longer do when it only sees the sum); nil leaves updates as they are.
    public var normBound: Double?

    public init(weighting: UpdateWeighting, normBound: Double? = nil) {
        self.weighting = weighting
        self.normBound = normBound
    }
}

/// A rule whose aggregate is a function of the sum of the (site-clipped) updates, so it can
/// run under secure aggregation, where the coordinator never sees one update.
public protocol SummableRule: AggregationRule {
    /// What the sites must do to their updates this round.
    func summands(for context: RoundContext) -> SummandPlan
    /// The round's aggregate from the revealed sum; `receipts` are the contributors' sealed
    /// answers (sample counts and training loss, no vectors).
    func aggregate(_ sum: SecureSum, receipts: [SiteUpdate], context: RoundContext) throws -> RoundAggregate
}

extension WeightedMean: SummableRule {
    public func summands(for context: RoundContext) -> SummandPlan {
        SummandPlan(weighting: context.weighting)
    }

    public func aggregate(_ sum: SecureSum, receipts: [SiteUpdate], context: RoundContext) throws -> RoundAggregate {
        let scale = sum.totalWeight > 0 ? Float(1 / sum.totalWeight) : 0
        return RoundAggregate(
            meanDelta: sum.weightedSum.map { $0 * scale }, contributors: sum.contributors,
            totalSamples: receipts.reduce(0) { $0 + $1.sampleCount },
            meanTrainingLoss: SealedReceipts.meanLoss(of: receipts))
    }
}

/// The sealed answers of a round's contributors.
public enum SealedReceipts {
    /// Sample-weighted mean training loss, as the plain mean reports it.
    public static func meanLoss(of receipts: [SiteUpdate]) -> Double {
        let samples = receipts.reduce(0) { $0 + $1.sampleCount }
        guard samples > 0 else { return 0 }
        return receipts.reduce(0.0) { $0 + $1.training.meanLoss * Double($1.sampleCount) } / Double(samples)
    }
}
