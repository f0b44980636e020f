import Learning

/// Everything that defines a study's schedule, apart from the model and the strategy.
public struct StudyConfiguration: Hashable, Sendable, Codable {
    public var studyID: String
    public var rounds: Int
    public var selection: SiteSelection
    /// The local training every strategy starts from.
    public var training: TrainingInstructions
    /// Evaluate at every site after rounds that are multiples of this (and after the last).
    public var evaluateEvery: Int
    /// A site that has not answered this long after the round started is left out of it.
    public var roundDeadlineSeconds: Double
    public var seed: UInt64

    public init(
        studyID: String = "study", rounds: Int, selection: SiteSelection = SiteSelection(),
        training: TrainingInstructions, evaluateEvery: Int = 1, roundDeadlineSeconds: Double = 600, seed: UInt64
    ) {
        self.studyID = studyID
        self.rounds = rounds
        self.selection = selection
        self.training = training
        self.evaluateEvery = evaluateEvery
        self.roundDeadlineSeconds = roundDeadlineSeconds
        self.seed = seed
    }

    /// Whether the coordinator evaluates after `round` (1-based).
    public func evaluates(after round: Int) -> Bool {
        round == rounds || (evaluateEvery > 0 && round % evaluateEvery == 0)
    }
}
