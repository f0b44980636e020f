import Federation
import Learning

extension ResolvedStudy {
    /// This study federated in one process over `sites`: its strategy, aggregation rule,
    /// secure aggregation and noise source, as `cohort simulate` runs it. The validation
    /// report's leave-one-site-out models are trained by the same function on the other
    /// sites, so they differ from the study's own model in their data only.
    public func simulation(
        sites: [SiteData], rootData: Dataset?, centralEvaluation: [String: Dataset] = [:],
        attack: AttackPlan? = nil
    ) throws -> Simulation {
        guard case .federated(let strategy) = mode else {
            throw StudyError("strategy", "strategy \(strategyName) is a baseline, not a federated study")
        }
        var simulation = Simulation(
            sites: sites, model: model, strategy: strategy, rule: rule, rootData: rootData,
            configuration: configuration, centralEvaluation: centralEvaluation, attack: attack,
            monitor: monitor)
        simulation.customRule = try makeRule(rootData: rootData)
        simulation.secureAggregation = simulatedSecureAggregation()
        simulation.noiseSource = noiseSource
        return simulation
    }
}
