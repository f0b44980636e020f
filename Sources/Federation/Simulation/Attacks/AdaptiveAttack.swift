import Learning

/// An attacker that knows the defence in use and shapes its update to pass it, as the
/// adaptive attacks of the defences' own papers assume (FLTrust, Cao et al. NDSS 2021,
/// section "adaptive attack"; RECESS, Yan et al. NeurIPS 2023, "adaptive attacks"):
/// - Krum, Multi-Krum, Bulyan: Fang's Krum attack with the rule's f;
/// - median, trimmed mean: Fang's trim attack;
/// - FLTrust: FLTrust trusts ReLU(cos(g, g0)) and rescales every update to |g0|, so the
///   attacker, estimating g0 by the benign mean mu, sends the direction at the benign
///   updates' median cosine to mu, turned as far as that allows toward the Min-Max
///   perturbation (its part orthogonal to mu): it keeps an ordinary trust score;
/// - RECESS: Min-Max in the round, and every probe answered with the update it sent, so
///   its answers are as consistent as an honest site's;
/// - FedAvg: the reversal of the federation's step (`reversal`), or under a norm bound the
///   longest step against it the bound allows.
/// Under a norm bound every other result is then scaled to stay under it (the bound's fixed
/// value, or its multiple of the median honest norm).
public struct AdaptiveAttack: Hashable, Sendable {
    public var perturbation: MinMaxAttack.Perturbation

    public init(perturbation: MinMaxAttack.Perturbation = .std) {
        self.perturbation = perturbation
    }

    func craft(_ knowledge: RoundKnowledge, defence: AggregationRuleSpec?, generator: inout SeededGenerator) -> [Float] {
        let everyone = knowledge.everyone
        guard !everyone.isEmpty else { return [] }
        let minMax = MinMaxAttack(objective: .minMax, perturbation: perturbation)
        var crafted: [Float]
        switch defence?.kind ?? .mean {
        case .krum(let f), .multiKrum(let f, _), .bulyan(let f):
            crafted = FangAttack(target: .krum).craft(
                honest: knowledge.honest, everyone: everyone, attackers: knowledge.attackers.count,
                f: f, generator: &generator)
        case .median, .trimmedMean:
            crafted = FangAttack(target: .trimmedMean).craft(
                honest: knowledge.honest, everyone: everyone,
                attackers: knowledge.attackers.count, f: nil, generator: &generator)
        case .flTrust:
            crafted = Self.withinCosine(everyone, perturbation: perturbation)
        case .mean:
            let bound = Self.bound(defence?.normBound, honest: everyone)
            return Self.reversal(everyone, attackerShare: knowledge.attackerWeightShare, bound: bound)
        case .recess:
            crafted = minMax.craft(benign: everyone)
        }
        if let bound = Self.bound(defence?.normBound, honest: everyone) {
            crafted = UpdateStatistics.clipped(crafted, to: bound)
        }
        return crafted
    }

    /// The norm bound the attacker expects: the fixed one, or the adaptive multiple of the
    /// median honest norm (the rule takes the previous round's median; this round's is the
    /// attacker's best estimate).
    static func bound(_ bound: NormBounded.Bound?, honest: [[Float]]) -> Double? {
        switch bound {
        case .fixed(let value): value
        case .adaptive(let multiplier): multiplier * UpdateStatistics.median(honest.map { VectorMath.norm($0) })
        case nil: nil
        }
    }

    /// Against the plain mean (Shejwalkar & Houmansadr's AGR-tailored attack on an average is
    /// unbounded; this takes the step that turns it around): the colluders, holding a share
    /// w of the mean's weight (sample counts under FedAvg), each send mu * (1 - 2 / w), so the
    /// mean becomes -mu, the federation's own step reversed. Under a norm bound it sends -mu^ at the bound instead, the longest step
    /// against the federation the bound lets through.
    static func reversal(_ honest: [[Float]], attackerShare: Double, bound: Double?) -> [Float] {
        let mean = UpdateStatistics.meanAndDeviation(honest).mean
        if let bound {
            let norm = VectorMath.norm(mean)
            return norm > 0 ? mean.map { Float(-Double($0) / norm * bound) } : mean
        }
        let factor = Float(1 - 2 / max(attackerShare, 1e-3))
        return mean.map { $0 * factor }
    }

    /// FLTrust's adaptive attacker: unit direction tau * mu^ + sqrt(1 - tau^2) * p_perp^,
    /// tau the median cosine of the honest updates to mu, at the median honest norm.
    static func withinCosine(_ honest: [[Float]], perturbation: MinMaxAttack.Perturbation) -> [Float] {
        let (mean, deviation) = UpdateStatistics.meanAndDeviation(honest)
        let meanNorm = VectorMath.norm(mean)
        guard meanNorm > 0 else { return mean }
        let unitMean = mean.map { Float(Double($0) / meanNorm) }
        let p = MinMaxAttack.direction(perturbation == .unit ? .std : perturbation, mean: mean, deviation: deviation)
        let along = Float(VectorMath.dot(p, unitMean))
        var orthogonal = zip(p, unitMean).map { $0 - along * $1 }
        let orthogonalNorm = VectorMath.norm(orthogonal)
        guard orthogonalNorm > 0 else { return mean }
        orthogonal = orthogonal.map { Float(Double($0) / orthogonalNorm) }
        let tau = Float(max(0, min(1, UpdateStatistics.median(honest.map { VectorMath.cosine($0, mean) }))))
        let size = Float(UpdateStatistics.median(honest.map { VectorMath.norm($0) }))
        let side = (1 - tau * tau).squareRoot()
        return zip(unitMean, orthogonal).map { size * (tau * $0 + side * $1) }
    }
}
