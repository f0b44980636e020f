import Learning

/// How a site trains locally in one round. Strategies start from the study's defaults and
/// add what their algorithm needs as an `AlgorithmCall` (FedProx's mu, SCAFFOLD's server
/// control variate), which the site's part of the algorithm reads.
public struct TrainingInstructions: Hashable, Sendable, Codable {
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: OptimizerSpec
    /// The algorithm's own instructions; nil for plain local training (FedAvg, FedOpt).
    public var algorithm: AlgorithmCall?
    /// DP-SGD at the site; nil trains without sample-level privacy.
    public var privacy: LocalPrivacy?

    public init(localSteps: Int, batchSize: Int, optimizer: OptimizerSpec, algorithm: AlgorithmCall? = nil, privacy: LocalPrivacy? = nil) {
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.algorithm = algorithm
        self.privacy = privacy
    }
}
