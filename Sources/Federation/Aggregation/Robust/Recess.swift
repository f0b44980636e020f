import Foundation
import Learning

/// An aggregator that, once every update is in, asks each site a follow-up question (trains
/// again from a model of the coordinator's choosing) and uses the answers before deciding.
public protocol ProbingAggregator: RoundAggregator {
    /// The model each site is asked to train from in the probe stage.
    func probes() throws -> [(site: SiteID, parameters: [Float])]
    mutating func record(response: SiteUpdate)
}

/// A RECESS-style proactive defence (after Yan et al., "RECESS Vaccine for Federated
/// Learning", NeurIPS 2023). The paper's exact equations were not available; this follows
/// the published description and two third-party readings (methods.md section 1 and Part D:
/// brain-lab-research/Bant, and an ECG codebase that agrees with it), and is labelled
/// "RECESS-style" for that reason.
///
/// Each round, after the normal updates g_k arrive, the coordinator sends site k the probe
/// model w + s * g_k / |g_k| (its own update direction, at the round's median update norm s,
/// so the probe looks like an ordinary aggregate), and the site trains again, answering g'_k.
/// Honest sites answer consistently; an attacker that crafts its update against the model it
/// receives does not. Abnormality a_k = -cos(g_k, g'_k) * |g'_k| / median_j |g'_j| (direction
/// flips and inflated answers both count), trust TS_k <- min(TS_init, TS_k - b * a_k)
/// accumulates over rounds from TS_init (the paper scores "across multiple iterations"), and
/// the aggregate is the softmax(TS)-weighted mean of the normalized updates, rescaled to the
/// median norm.
///
/// Where the readings differ: Bant resets TS to TS_init - b * a_k every round, divides the
/// cosine by |g'_k| instead of multiplying by the relative norm, probes at unit norm and
/// aggregates the answers g'_k. Accumulating without the cap at TS_init concentrated all the
/// weight on one site (see `updated`); resetting every round (Bant) cannot do that but also
/// forgets a flip at once. What no reading can do: a site that answers its probe as it
/// trained (sign-flip, a data backdoor, or an attacker that simply repeats its update) looks
/// consistent, so RECESS only reweights by norm against it.
///
/// Costs: a second local training per site and round, and the round's updates held in an
/// `UpdateStore`. Incompatible with secure aggregation.
public struct RecessRule: AggregationRule {
    public var initialTrust: Double
    public var decrease: Double
    public private(set) var trust: [SiteID: Double] = [:]

    public init(initialTrust: Double = 1, decrease: Double = 1) {
        self.initialTrust = initialTrust
        self.decrease = decrease
    }

    public var name: String { "recess" }

    public var state: ComponentState {
        ComponentState(scalars: Dictionary(uniqueKeysWithValues: trust.map { ("trust.\($0.key.name)", $0.value) }))
    }

    public mutating func restore(_ state: ComponentState) throws {
        trust = [:]
        for (key, value) in state.scalars where key.hasPrefix("trust.") { trust[SiteID(String(key.dropFirst(6)))] = value }
    }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        Aggregator(global: context.globalParameters, trust: trust, initialTrust: initialTrust, decrease: decrease)
    }

    public mutating func roundFinished(_ aggregate: RoundAggregate) {
        if let scores = aggregate.siteScores {
            for (site, abnormality) in scores { trust[site] = Self.updated(trust[site], abnormality: abnormality, initial: initialTrust, decrease: decrease) }
        }
    }

    /// TS_k <- min(TS_init, TS_k - b * a_k): abnormal answers cost trust, consistent ones earn
    /// it back, but never past TS_init. Without the cap, trust grew by |a_k| every round for
    /// every consistent site, fastest for the sites with the longest answers; the softmax over
    /// trust that had drifted apart by tens of points after 60 rounds gave one site all the
    /// weight, so the model became that site's (PneumoniaMNIST, Dirichlet(0.5) sites: one
    /// class for everything, 0.375, under sign-flip, and a backdoor site's 91 % success).
    static func updated(_ trust: Double?, abnormality: Double, initial: Double, decrease: Double) -> Double {
        min(initial, (trust ?? initial) - decrease * abnormality)
    }

    struct Aggregator: ProbingAggregator {
        let global: [Float]
        let trust: [SiteID: Double]
        let initialTrust: Double
        let decrease: Double
        let store: UpdateStore
        var contributors: [SiteID] = []
        var norms: [Double] = []
        var samples = 0
        var lossSum = 0.0
        var responses: [SiteID: [Float]] = [:]

        init(global: [Float], trust: [SiteID: Double], initialTrust: Double, decrease: Double) {
            self.global = global
            self.trust = trust
            self.initialTrust = initialTrust
            self.decrease = decrease
            store = UpdateStore(parameterCount: global.count)
        }

        var medianNorm: Double {
            let sorted = norms.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        mutating func fold(_ update: SiteUpdate) throws {
            try store.append(update.delta)
            contributors.append(update.site)
            norms.append(VectorMath.norm(update.delta))
            samples += update.sampleCount
            lossSum += update.training.meanLoss * Double(update.sampleCount)
        }

        func probes() throws -> [(site: SiteID, parameters: [Float])] {
            let scale = medianNorm
            return try contributors.indices.map { index in
                let update = try store.vector(at: index)
                let factor = norms[index] > 0 ? Float(scale / norms[index]) : 0
                return (contributors[index], zip(global, update).map { $0 + factor * $1 })
            }
        }

        mutating func record(response: SiteUpdate) {
            responses[response.site] = response.delta
        }

        mutating func finish() throws -> RoundAggregate {
            let responseNorms = contributors.compactMap { responses[$0].map(VectorMath.norm) }.sorted()
            let typical = responseNorms.isEmpty ? 1 : max(responseNorms[responseNorms.count / 2], .leastNormalMagnitude)
            var scores: [SiteID: Double] = [:]
            var logits: [Double] = []
            for (index, site) in contributors.enumerated() {
                var abnormality = 0.0
                if let answer = responses[site] {
                    abnormality = -VectorMath.cosine(try store.vector(at: index), answer) * VectorMath.norm(answer) / typical
                } else {
                    abnormality = 1  // no answer to the probe counts against the site
                }
                scores[site] = abnormality
                logits.append(RecessRule.updated(trust[site], abnormality: abnormality, initial: initialTrust, decrease: decrease))
            }
            let peak = logits.max() ?? 0
            let exponentials = logits.map { Foundation.exp($0 - peak) }
            let total = exponentials.reduce(0, +)
            var sum = WeightedSum(count: store.parameterCount)
            let scale = medianNorm
            var shares: [SiteID: Double] = [:]
            for (index, site) in contributors.enumerated() {
                let weight = exponentials[index] / total
                shares[site] = weight
                if norms[index] > 0 { sum.add(try store.vector(at: index), weight: weight * scale / norms[index]) }
            }
            var delta = sum.sum
            if contributors.isEmpty { delta = [Float](repeating: 0, count: store.parameterCount) }
            var aggregate = RoundAggregate(
                meanDelta: delta, contributors: contributors, totalSamples: samples,
                meanTrainingLoss: lossSum / Double(max(samples, 1)), shares: shares)
            aggregate.siteScores = scores
            return aggregate
        }
    }
}
