/// The terms of one round as a site received them: enough to show that what ran is what
/// the steward approved.
public struct ReceivedInstructions: Hashable, Sendable {
    public var study: String
    public var round: Int
    public var site: String
    public var coordinator: String
    public var planHash: String?
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: String
    public var learningRate: Double
    /// DP-SGD settings requested, described (nil when the round is not private).
    public var privacy: String?

    public init(
        study: String, round: Int, site: String, coordinator: String, planHash: String? = nil, localSteps: Int,
        batchSize: Int, optimizer: String, learningRate: Double, privacy: String? = nil
    ) {
        self.study = study
        self.round = round
        self.site = site
        self.coordinator = coordinator
        self.planHash = planHash
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.privacy = privacy
    }
}
