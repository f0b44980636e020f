import Federation

/// The terms of one round as the coordinator sent them, in the plan's vocabulary, so the gate
/// can check that what a site is asked to run is what its steward approved.
public struct RoundTerms: Hashable, Sendable {
    public var study: String
    public var round: Int
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: String
    public var learningRate: Double
    /// The algorithm's settings this round (FedProx's `mu`...), by name.
    public var strategyParameters: [String: Double]
    public var privacy: PlanPrivacy?

    public init(
        study: String, round: Int, localSteps: Int, batchSize: Int, optimizer: String, learningRate: Double,
        strategyParameters: [String: Double] = [:], privacy: PlanPrivacy? = nil
    ) {
        self.study = study
        self.round = round
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.strategyParameters = strategyParameters
        self.privacy = privacy
    }

    /// The terms of a training request.
    public init(_ request: TrainingRequest) {
        let instructions = request.instructions
        let optimizer: String
        switch instructions.optimizer {
        case .sgd: optimizer = "sgd"
        case .adam: optimizer = "adam"
        }
        var privacy: PlanPrivacy?
        if let dp = instructions.privacy {
            switch dp.noise {
            case .multiplier(let sigma):
                privacy = PlanPrivacy(
                    clipNorm: TrainingPlan.decimal(dp.clipNorm), noiseMultiplier: sigma, expectedBatchSize: dp.expectedBatchSize, delta: dp.delta)
            case .targetEpsilon(let epsilon, _):
                privacy = PlanPrivacy(
                    clipNorm: TrainingPlan.decimal(dp.clipNorm), targetEpsilon: epsilon, expectedBatchSize: dp.expectedBatchSize, delta: dp.delta)
            }
        }
        self.init(
            study: request.study, round: request.round, localSteps: instructions.localSteps, batchSize: instructions.batchSize,
            optimizer: optimizer, learningRate: TrainingPlan.decimal(instructions.optimizer.learningRate),
            strategyParameters: (instructions.algorithm?.parameters ?? [:]).mapValues { TrainingPlan.decimal(Float($0)) }, privacy: privacy)
    }
}

/// What a site is about to send, for the gate's last check.
public struct OutgoingUpdate: Hashable, Sendable {
    public var study: String
    public var round: Int
    /// Training rows the update was computed on.
    public var rows: Int
    public var parameterCount: Int
    /// Whether the update was trained with DP-SGD.
    public var differentiallyPrivate: Bool
    /// The site's cumulative epsilon after this round (nil: unknown or no DP).
    public var epsilonAfter: Double?
    /// Whether the update travels under secure aggregation.
    public var secureAggregation: Bool

    public init(
        study: String, round: Int, rows: Int, parameterCount: Int, differentiallyPrivate: Bool, epsilonAfter: Double?,
        secureAggregation: Bool
    ) {
        self.study = study
        self.round = round
        self.rows = rows
        self.parameterCount = parameterCount
        self.differentiallyPrivate = differentiallyPrivate
        self.epsilonAfter = epsilonAfter
        self.secureAggregation = secureAggregation
    }

    /// The answer to `request` as it is about to leave. Under secure aggregation the answer
    /// itself carries no vectors (the masked update follows in the secure sum), so the size
    /// is the model's, and the round's mode comes from the request, not from a setting.
    public init(_ update: SiteUpdate, answering request: TrainingRequest) {
        self.init(
            study: update.study, round: update.round, rows: update.sampleCount,
            parameterCount: request.sealed ? request.globalParameters.count : update.delta.count,
            differentiallyPrivate: update.privacy != nil, epsilonAfter: update.cumulativeEpsilon, secureAggregation: request.sealed)
    }
}
