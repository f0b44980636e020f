import Learning

/// The attacker's own copy of the coordinator's aggregation rule, for attacks tailored to it
/// (Shejwalkar & Houmansadr's AGR-tailored Min-Max/Min-Sum): it aggregates a candidate round,
/// the honest updates plus every colluder sending the same crafted update, with the very rule
/// type the coordinator runs, so "what the rule would do" is never a second implementation.
///
/// Rules without a closed form the attacker can evaluate alone (FLTrust needs the
/// coordinator's root data; RECESS probes the sites) have no replica: `init` returns nil.
struct RuleReplica {
    private let rule: any AggregationRule
    private let bound: Double?

    /// `bound`: the norm bound the attacker expects (its update is clipped to it first).
    init?(_ defence: AggregationRuleSpec?, bound: Double?) {
        let kind = defence?.kind ?? .mean
        if kind == .flTrust || kind == .recess { return nil }
        // The rule without its norm bound (the crafted update is clipped instead); the model
        // and seed matter to FLTrust only.
        guard let rule = try? AggregationRuleSpec(kind).makeRule(model: .logisticRegression, seed: 0) else { return nil }
        self.rule = rule
        self.bound = bound
    }

    /// The rule's aggregate of `honest` (with their sample counts) and `crafted` sent by each
    /// of `attackerSamples.count` colluders; nil when the rule cannot aggregate that round
    /// (too few updates for Krum's f).
    func aggregate(honest: [[Float]], honestSamples: [Int], crafted: [Float], attackerSamples: [Int]) -> [Float]? {
        let sent = bound.map { UpdateStatistics.clipped(crafted, to: $0) } ?? crafted
        let round = zip(honest, honestSamples).map { ($0, $1) } + attackerSamples.map { (sent, $0) }
        guard round.count >= rule.minimumUpdates, let width = round.first?.0.count else { return nil }
        let context = RoundContext(
            round: 0, globalParameters: [Float](repeating: 0, count: width),
            instructions: TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 1)))
        do {
            var aggregator = try rule.makeAggregator(for: context)
            for (index, (delta, samples)) in round.enumerated() {
                try aggregator.fold(
                    SiteUpdate(
                        study: "replica", site: SiteID("replica-\(index)"), round: 0, delta: delta, sampleCount: max(samples, 1),
                        training: TrainingSummary(steps: 1, examples: max(samples, 1), meanLoss: 0)))
            }
            return try aggregator.finish().meanDelta
        } catch {
            return nil
        }
    }
}
