import Learning

/// Non-federated reference points for a federated result: every site alone ("local") and
/// all data in one place ("pooled", the centralized ceiling that federation tries to reach).
public enum Baselines {
    /// Local-only training plan: FLamby's baselines use Adam, lr 1e-3, batch 4, 50 epochs.
    public struct Plan: Sendable {
        public var optimizer: OptimizerSpec
        public var batchSize: Int
        public var epochs: Int
        public var seed: UInt64

        public init(optimizer: OptimizerSpec = .adam(learningRate: 0.001), batchSize: Int = 4, epochs: Int = 50, seed: UInt64) {
            self.optimizer = optimizer
            self.batchSize = batchSize
            self.epochs = epochs
            self.seed = seed
        }
    }

    /// Trains one model on `data` alone, starting from the same initial model a federated run
    /// with this seed would use.
    public static func train(_ spec: ModelSpec, on data: Dataset, plan: Plan) throws -> Model {
        let model = try Model(spec: spec, inputShape: data.exampleShape, task: data.task, seed: plan.seed)
        var sampler = BatchSampler(rowCount: data.count, batchSize: plan.batchSize, seed: plan.seed)
        var optimizer = plan.optimizer.makeOptimizer(parameterCount: model.parameterCount)
        let stepsPerEpoch = (data.count + plan.batchSize - 1) / plan.batchSize
        _ = model.train(on: data, steps: plan.epochs * stepsPerEpoch, sampler: &sampler, optimizer: &optimizer)
        return model
    }

    /// Each site's own model, scored on every site's test split (FLamby's "Local i" rows).
    public static func local(_ spec: ModelSpec, sites: [SiteData], plan: Plan) throws -> [(trainedAt: String, reports: [EvaluationReport])] {
        try sites.map { owner in
            let model = try train(spec, on: owner.train, plan: plan)
            let reports = sites.map { EvaluationReport(site: SiteID($0.name), round: 0, metrics: model.evaluate(on: $0.test)) }
            return (owner.name, reports)
        }
    }

    /// One model on the union of the sites' training data, scored on each site's test split.
    /// Give it sites standardized with pooled statistics, as a central analysis would be.
    public static func pooled(_ spec: ModelSpec, sites: [SiteData], plan: Plan) throws -> (model: Model, reports: [EvaluationReport]) {
        let model = try train(spec, on: Dataset.concatenating(sites.map(\.train)), plan: plan)
        let reports = sites.map { EvaluationReport(site: SiteID($0.name), round: 0, metrics: model.evaluate(on: $0.test)) }
        return (model, reports)
    }
}
