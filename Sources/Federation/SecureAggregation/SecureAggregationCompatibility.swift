/// Which studies can run under secure aggregation: those whose round result is a function of
/// the sum of the updates. Checked before the first round, so a study that could not keep its
/// promise (the coordinator never sees one site's update) does not start.
enum SecureAggregationCompatibility {
    static func check(strategy: any Strategy, rule: any AggregationRule, monitoring: Bool) throws(CoordinatorError) {
        if strategy.usesControlVariates {
            throw .incompatible("\(strategy.name) needs each site's control-variate delta, but secure aggregation reveals only the sum of updates: turn secure aggregation off or use fedavg, fedprox or fedopt")
        }
        if strategy.usesMasks {
            throw .incompatible("\(strategy.name) needs each site's subspace mask, but secure aggregation reveals only the sum of updates: turn secure aggregation off or use fedavg, fedprox or fedopt")
        }
        guard rule is any SummableRule else {
            throw .incompatible("the \(rule.name) rule needs each site's own update, but secure aggregation reveals only their sum: turn secure aggregation off or aggregate with the plain mean (fedavg, fedprox, fedopt)")
        }
        if monitoring {
            throw .incompatible("the site monitor scores each site's own update, but secure aggregation reveals only their sum: turn off the monitor or secure aggregation")
        }
    }
}
