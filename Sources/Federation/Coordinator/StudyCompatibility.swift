/// Which strategies, rules and protections can run together: checked once, here, by the
/// coordinator before its first round and by the study definition before anything starts,
/// so `cohort simulate` and a deployed coordinator refuse the same study with the same words.
public enum StudyCompatibility {
    public static func check(
        strategy: any Strategy, rule: any AggregationRule, monitoring: Bool, secureAggregation: Bool,
        minimumSites: Int
    ) throws(CoordinatorError) {
        if let vector = strategy.sentVectors.first, !(rule is WeightedMean) {
            throw .incompatible(
                "\(strategy.name) folds its sites' \(vector.meaning)s beside the plain mean of their updates and cannot run with the \(rule.name) rule: drop the robust rule, norm_bound and central DP, or use another strategy"
            )
        }
        if secureAggregation { try checkSecureAggregation(strategy: strategy, rule: rule, monitoring: monitoring) }
        if rule.minimumUpdates > minimumSites {
            throw .incompatible(
                "the \(rule.name) rule needs at least \(rule.minimumUpdates) updates per round, but a round may close with \(minimumSites); raise the minimum sites or lower f"
            )
        }
    }

    /// What secure aggregation rules out: anything that needs one site's own update.
    private static func checkSecureAggregation(strategy: any Strategy, rule: any AggregationRule, monitoring: Bool) throws(CoordinatorError) {
        if let vector = strategy.sentVectors.first {
            throw .incompatible(
                "\(strategy.name) needs each site's \(vector.meaning), but secure aggregation reveals only the sum of updates: turn secure aggregation off or use fedavg, fedprox or fedopt"
            )
        }
        guard rule is any SummableRule else {
            throw .incompatible(
                "the \(rule.name) rule needs each site's own update, but secure aggregation reveals only their sum: turn secure aggregation off or aggregate with the plain mean (fedavg, fedprox, fedopt)"
            )
        }
        if monitoring {
            throw .incompatible(
                "the site monitor scores each site's own update, but secure aggregation reveals only their sum: turn off the monitor or secure aggregation")
        }
    }
}
