/// The streamed result of a round: weighted means of the accepted updates, and who counted.
public struct RoundAggregate: Sendable {
    public var meanDelta: [Float]
    /// SCAFFOLD: the unweighted mean of the sites' control-variate deltas.
    public var meanControlDelta: [Float]?
    public var contributors: [SiteID]
    public var totalSamples: Int
    /// Sample-weighted mean of the sites' training loss.
    public var meanTrainingLoss: Double
    /// Each contributor's share of the aggregate, for rules that weigh or select updates
    /// (Krum keeps some and drops others, FLTrust weighs by trust); nil for plain means.
    public var shares: [SiteID: Double]? = nil
    /// L2 norm of each update as received, when a rule measured it (norm bounding).
    public var updateNorms: [SiteID: Double]? = nil
    /// Lockdown: how many contributors' subspaces cover each parameter.
    public var maskSum: [Float]? = nil
    /// DP-FedAvg: the noised share of updates that were within the clipping norm.
    public var unclippedFraction: Double? = nil
    /// Per-site scores a rule computed this round (RECESS's abnormality), for its own state.
    public var siteScores: [SiteID: Double]? = nil

    public init(meanDelta: [Float], meanControlDelta: [Float]? = nil, contributors: [SiteID], totalSamples: Int,
                meanTrainingLoss: Double, shares: [SiteID: Double]? = nil, updateNorms: [SiteID: Double]? = nil) {
        self.meanDelta = meanDelta
        self.meanControlDelta = meanControlDelta
        self.contributors = contributors
        self.totalSamples = totalSamples
        self.meanTrainingLoss = meanTrainingLoss
        self.shares = shares
        self.updateNorms = updateNorms
    }
}

/// Folds one round's accepted updates into running sums as they arrive, so the round needs
/// memory for one model (two with SCAFFOLD), not one per site.
public struct RoundAccumulator: Sendable {
    private var deltas: WeightedSum
    private var controls: WeightedSum?
    private var masks: WeightedSum?
    private let weighting: UpdateWeighting
    public private(set) var contributors: [SiteID] = []
    private var samples = 0
    private var lossSum = 0.0

    public init(parameterCount: Int, weighting: UpdateWeighting, tracksControlDeltas: Bool, tracksMasks: Bool = false) {
        deltas = WeightedSum(count: parameterCount)
        controls = tracksControlDeltas ? WeightedSum(count: parameterCount) : nil
        masks = tracksMasks ? WeightedSum(count: parameterCount) : nil
        self.weighting = weighting
    }

    public mutating func fold(_ update: SiteUpdate) {
        deltas.add(update.delta, weight: weighting.weight(of: update))
        if let control = update.controlDelta, controls != nil { controls!.add(control, weight: 1) }
        if let mask = update.mask, masks != nil { masks!.add(mask, weight: 1) }
        contributors.append(update.site)
        samples += update.sampleCount
        lossSum += update.training.meanLoss * Double(update.sampleCount)
    }

    public var count: Int { contributors.count }

    /// Ends the round: the means are computed in place and moved out, so call it once.
    public mutating func finish() -> RoundAggregate {
        var aggregate = RoundAggregate(meanDelta: deltas.takeMean(), meanControlDelta: controls?.takeMean(), contributors: contributors,
                                       totalSamples: samples, meanTrainingLoss: samples == 0 ? 0 : lossSum / Double(samples))
        aggregate.maskSum = masks?.sum
        return aggregate
    }
}

/// How much each site's update counts in the round's mean.
public enum UpdateWeighting: Hashable, Sendable, Codable {
    /// By training examples (FedAvg, McMahan et al. 2017).
    case bySamples
    /// Every site equally.
    case uniform

    public func weight(of update: SiteUpdate) -> Double {
        switch self {
        case .bySamples: Double(update.sampleCount)
        case .uniform: 1
        }
    }
}
