import Learning

/// How a site trains locally in one round. Strategies start from the study's defaults and
/// add what their algorithm needs (FedProx's mu, SCAFFOLD's server control variate).
public struct TrainingInstructions: Hashable, Sendable, Codable {
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: OptimizerSpec
    /// FedProx: adds `mu * (w - w_global)` to every local gradient; 0 is plain FedAvg.
    public var proximalMu: Float
    /// SCAFFOLD: the server's control variate `c`; nil for other strategies.
    public var serverControl: [Float]?
    /// Lockdown: train and send only the site's subspace; nil for other strategies.
    public var lockdown: LockdownInstructions?
    /// DP-SGD at the site; nil trains without sample-level privacy.
    public var privacy: LocalPrivacy?

    public init(localSteps: Int, batchSize: Int, optimizer: OptimizerSpec, proximalMu: Float = 0, serverControl: [Float]? = nil,
                lockdown: LockdownInstructions? = nil, privacy: LocalPrivacy? = nil) {
        self.lockdown = lockdown
        self.privacy = privacy
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.proximalMu = proximalMu
        self.serverControl = serverControl
    }
}
