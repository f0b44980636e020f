import Federation
import Learning

/// DP-FedAvg under secure aggregation: the sites clip their updates to the current norm C
/// (the coordinator no longer sees them to clip), every update counts equally, and the
/// coordinator adds the Gaussian noise to the revealed sum before dividing by the number of
/// contributors, exactly as it does with the plain sum. The clipping count that drives
/// adaptive clipping is not part of the secure sum, so C stays fixed (build the rule with
/// `adaptive: false`, which gives the updates the whole noise budget).
extension DPFedAvg: SummableRule {
    public func summands(for context: RoundContext) -> SummandPlan {
        SummandPlan(weighting: .uniform, normBound: clipNorm)
    }

    public func aggregate(_ sum: SecureSum, receipts: [SiteUpdate], context: RoundContext) throws -> RoundAggregate {
        var generator = noise(forRound: context.round)
        let deviation = updateNoiseMultiplier * clipNorm
        let scale = 1 / Double(max(sum.contributors.count, 1))
        var mean = sum.weightedSum
        for i in mean.indices {
            let drawn = deviation > 0 ? generator.gaussian(deviation: deviation) : 0
            mean[i] = Float((Double(mean[i]) + drawn) * scale)
        }
        return RoundAggregate(
            meanDelta: mean, contributors: sum.contributors, totalSamples: receipts.reduce(0) { $0 + $1.sampleCount },
            meanTrainingLoss: SealedReceipts.meanLoss(of: receipts))
    }
}
