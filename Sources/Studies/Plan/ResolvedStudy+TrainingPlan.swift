import Compliance
import Federation
import Learning

/// The training plan a data steward approves derives from the study definition alone, so it
/// can be hashed, shown and approved before anything runs, and the coordinator, the
/// simulator and every site compute the same hash for the same study.
extension ResolvedStudy {
    /// The plan: model, strategy, rule, every hyper-parameter, privacy and the data's schema.
    public func trainingPlan() throws -> TrainingPlan {
        var strategyParameters: [String: Double] = [:]
        if let mu = proximalMu { strategyParameters["mu"] = TrainingPlan.decimal(mu) }
        if case .algorithm(let name, let parameters, _, _)? = strategy, let algorithm = AlgorithmRegistry.algorithm(named: name) {
            strategyParameters.merge(algorithm.defaultParameters.merging(parameters) { $1 }) { $1 }
        }
        var privacy: PlanPrivacy?
        if let local = localPrivacy {
            switch local.noise {
            case .multiplier(let sigma):
                privacy = PlanPrivacy(
                    clipNorm: TrainingPlan.decimal(local.clipNorm), noiseMultiplier: sigma,
                    expectedBatchSize: local.expectedBatchSize, delta: local.delta)
            case .targetEpsilon(let epsilon, _):
                privacy = PlanPrivacy(
                    clipNorm: TrainingPlan.decimal(local.clipNorm), targetEpsilon: epsilon,
                    expectedBatchSize: local.expectedBatchSize, delta: local.delta)
            }
        }
        return TrainingPlan(
            study: id, model: model.description, parameterCount: try initialModel().parameterCount,
            strategy: strategyName, strategyParameters: strategyParameters, aggregation: ruleName,
            rounds: rounds, localSteps: localSteps, batchSize: batchSize, optimizer: optimizerName,
            learningRate: TrainingPlan.decimal(optimizer.learningRate),
            optimizerParameters: momentum == 0 ? [:] : ["momentum": TrainingPlan.decimal(momentum)],
            privacy: privacy, secureAggregation: secureAggregation, schemaHash: schemaHash)
    }
}
