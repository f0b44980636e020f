/// Min-Max and Min-Sum (Shejwalkar & Houmansadr, "Manipulating the Byzantine: Optimizing
/// Model Poisoning Attacks and Defenses for Federated Learning", NDSS 2021), AGR-agnostic:
/// the colluders send mu + gamma * p, where mu is the mean of the benign updates they know
/// and p a perturbation direction, with gamma as large as it can be while the malicious
/// update stays no farther from the benign ones than they are from each other:
/// - Min-Max: max_i |m - b_i| <= max_{i,j} |b_i - b_j|;
/// - Min-Sum: sum_i |m - b_i|^2 <= max_i sum_j |b_i - b_j|^2.
/// gamma is found by the paper's halving search from gamma = 10 (step gamma/2, halved each
/// try; 40 tries here, so any scale of update is resolved). The perturbations are the
/// paper's three: the inverse unit vector -mu/|mu|, the inverse standard deviation -std, and
/// the inverse sign -sign(mu); the paper found -std the strongest in most settings, the default.
public struct MinMaxAttack: Hashable, Sendable {
    public enum Objective: Hashable, Sendable { case minMax, minSum }
    public enum Perturbation: String, Hashable, Sendable, CaseIterable {
        case unit, std, sign
    }
    /// What the attacker knows of the rule: nothing (`agnostic`) or the rule itself (`tailored`).
    public enum Knowledge: String, Hashable, Sendable, CaseIterable {
        case agnostic, tailored
    }

    public var objective: Objective
    public var perturbation: Perturbation
    /// Whether the attacker knows the rule (the AGR-tailored attack) or not.
    public var knowledge: Knowledge
    /// Where the search for gamma starts (the paper's 10); it reaches at most twice this.
    public var initialGamma: Float

    public init(objective: Objective, perturbation: Perturbation = .std, knowledge: Knowledge = .agnostic, initialGamma: Float = 10) {
        self.objective = objective
        self.perturbation = perturbation
        self.knowledge = knowledge
        self.initialGamma = initialGamma
    }

    /// The malicious update every colluder sends: tailored to `defence` when asked and the
    /// rule can be replicated, otherwise AGR-agnostic over every honest update known.
    func craft(_ known: RoundKnowledge, defence: AggregationRuleSpec?) -> [Float] {
        let benign = known.everyone
        guard knowledge == .tailored, !benign.isEmpty else { return craft(benign: benign) }
        let bound = AdaptiveAttack.bound(defence?.normBound, honest: benign)
        guard let replica = RuleReplica(defence, bound: bound) else { return craft(benign: benign) }
        let (mean, deviation) = UpdateStatistics.meanAndDeviation(benign)
        let direction = Self.direction(perturbation, mean: mean, deviation: deviation)
        let attackerSamples = known.attackers.map { known.samples[$0] ?? 1 }
        let candidate = { (gamma: Float) in zip(mean, direction).map { $0 + gamma * $1 } }
        let damage = { (gamma: Float) -> Double in
            guard
                let aggregate = replica.aggregate(
                    honest: known.honest, honestSamples: known.honestSamples, crafted: candidate(gamma), attackerSamples: attackerSamples)
            else { return 0 }
            return UpdateStatistics.squaredDistance(aggregate, mean)
        }
        // 20 tries, not 40: each aggregates a whole round.
        var most = damage(0)
        let gamma = Self.largestAccepted(from: initialGamma, tries: 20) { gamma in
            let done = damage(gamma)
            guard done > most else { return false }
            most = done
            return true
        }
        var crafted = candidate(gamma)
        if let bound { crafted = UpdateStatistics.clipped(crafted, to: bound) }
        return crafted
    }

    /// The malicious update every colluder sends, from the benign updates it knows.
    func craft(benign: [[Float]]) -> [Float] {
        guard let first = benign.first else { return [] }
        let (mean, deviation) = UpdateStatistics.meanAndDeviation(benign)
        let direction = Self.direction(perturbation, mean: mean, deviation: deviation)
        guard benign.count > 1 else { return first }  // nothing to hide among
        let pairwise = UpdateStatistics.pairwiseSquaredDistances(benign)
        let accept: (Float) -> Bool
        switch objective {
        case .minMax:
            let limit = pairwise.map { $0.max() ?? 0 }.max() ?? 0
            accept = { gamma in
                let candidate = zip(mean, direction).map { $0 + gamma * $1 }
                return benign.allSatisfy { UpdateStatistics.squaredDistance(candidate, $0) <= limit }
            }
        case .minSum:
            let limit = pairwise.map { $0.reduce(0, +) }.max() ?? 0
            accept = { gamma in
                let candidate = zip(mean, direction).map { $0 + gamma * $1 }
                return benign.map { UpdateStatistics.squaredDistance(candidate, $0) }.reduce(0, +) <= limit
            }
        }
        let gamma = Self.largestAccepted(from: 10, accept)
        return zip(mean, direction).map { $0 + gamma * $1 }
    }

    /// The perturbation direction p (pointing away from the benign mean's effect).
    static func direction(_ perturbation: Perturbation, mean: [Float], deviation: [Float]) -> [Float] {
        switch perturbation {
        case .unit:
            let norm = Float(VectorMath.norm(mean))
            return norm > 0 ? mean.map { -$0 / norm } : mean
        case .std:
            // With a single benign update there is no spread: fall back to the unit vector.
            return deviation.contains { $0 != 0 } ? deviation.map { -$0 } : direction(.unit, mean: mean, deviation: deviation)
        case .sign:
            return mean.map { $0 > 0 ? -1 : ($0 < 0 ? 1 : 0) }
        }
    }

    /// The paper's search: start at `initial`, move by a step halved after every try, up
    /// after an accepted gamma and down after a refused one; the largest accepted wins (0
    /// when none is). Every try after an accepted gamma lies above it, so for the tailored
    /// attack (accepted: more damage than the best so far) the largest accepted is also the
    /// most damaging.
    static func largestAccepted(from initial: Float, tries: Int = 40, _ accept: (Float) -> Bool) -> Float {
        var gamma = initial, step = initial / 2, best: Float = 0
        for _ in 0..<tries {
            if accept(gamma) {
                best = max(best, gamma)
                gamma += step
            } else {
                gamma -= step
            }
            step /= 2
        }
        return best
    }
}
