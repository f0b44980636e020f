/// The streamed result of a round: weighted means of the accepted updates, and who counted.
public struct RoundAggregate: Sendable {
    public var meanDelta: [Float]
    /// The algorithm's declared vectors, folded as declared (SCAFFOLD's mean control delta,
    /// Lockdown's mask sum), by name.
    public var vectors: [VectorName: [Float]]
    public var contributors: [SiteID]
    public var totalSamples: Int
    /// Sample-weighted mean of the sites' training loss.
    public var meanTrainingLoss: Double
    /// Each contributor's share of the aggregate, for rules that weigh or select updates
    /// (Krum keeps some and drops others, FLTrust weighs by trust); nil for plain means.
    public var shares: [SiteID: Double]? = nil
    /// L2 norm of each update as received, when a rule measured it (norm bounding).
    public var updateNorms: [SiteID: Double]? = nil
    /// DP-FedAvg: the noised share of updates that were within the clipping norm.
    public var unclippedFraction: Double? = nil
    /// Per-site scores a rule computed this round (RECESS's abnormality), for its own state.
    public var siteScores: [SiteID: Double]? = nil

    public init(
        meanDelta: [Float], vectors: [VectorName: [Float]] = [:], contributors: [SiteID], totalSamples: Int,
        meanTrainingLoss: Double, shares: [SiteID: Double]? = nil, updateNorms: [SiteID: Double]? = nil
    ) {
        self.meanDelta = meanDelta
        self.vectors = vectors
        self.contributors = contributors
        self.totalSamples = totalSamples
        self.meanTrainingLoss = meanTrainingLoss
        self.shares = shares
        self.updateNorms = updateNorms
    }
}

/// Folds one round's accepted updates into running sums as they arrive, so the round needs
/// memory for one model (plus one per declared vector), not one per site.
public struct RoundAccumulator: Sendable {
    private var deltas: WeightedSum
    /// One running sum per declared vector, folded as declared.
    private var sums: [(declaration: VectorDeclaration, sum: WeightedSum)]
    private let weighting: UpdateWeighting
    public private(set) var contributors: [SiteID] = []
    private var samples = 0
    private var lossSum = 0.0
    /// Set when a fold failed half-way: the sums then hold part of an update.
    private var damage: String?

    public init(parameterCount: Int, weighting: UpdateWeighting, vectors: [VectorDeclaration] = []) {
        deltas = WeightedSum(count: parameterCount)
        sums = vectors.sorted { $0.name < $1.name }.map { ($0, WeightedSum(count: parameterCount)) }
        self.weighting = weighting
    }

    /// Folds the update's vectors wherever they are: a deferred update is read chunk by
    /// chunk, so it never needs a second model-sized buffer here. A vector that fails to
    /// read back half-way leaves the sums incomplete: the accumulator then refuses to finish.
    public mutating func fold(_ update: SiteUpdate) throws {
        if let damage { throw AccumulatorDamage(reason: damage) }
        do {
            try deltas.add(weight: weighting.weight(of: update)) { fold in try update.forEachChunk(of: .delta, fold) }
            for index in sums.indices {
                let name = sums[index].declaration.name
                guard update.count(of: name) != nil else { continue }
                try sums[index].sum.add(weight: 1) { fold in try update.forEachChunk(of: name, fold) }
            }
        } catch {
            damage = "\(update.site)'s update could not be read back whole: \(error)"
            throw AccumulatorDamage(reason: damage!)
        }
        contributors.append(update.site)
        samples += update.sampleCount
        lossSum += update.training.meanLoss * Double(update.sampleCount)
    }

    public var count: Int { contributors.count }

    /// Ends the round: the means are computed in place and moved out, so call it once.
    public mutating func finish() throws -> RoundAggregate {
        if let damage { throw AccumulatorDamage(reason: damage) }
        var vectors: [VectorName: [Float]] = [:]
        for index in sums.indices {
            let declaration = sums[index].declaration
            vectors[declaration.name] = declaration.folding == .mean ? sums[index].sum.takeMean() : sums[index].sum.sum
        }
        return RoundAggregate(
            meanDelta: deltas.takeMean(), vectors: vectors, contributors: contributors,
            totalSamples: samples, meanTrainingLoss: samples == 0 ? 0 : lossSum / Double(samples))
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

/// A round whose running sums hold part of an update: it cannot produce an aggregate.
package struct AccumulatorDamage: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "the round's sums are incomplete: \(reason)" }
}
