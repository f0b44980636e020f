/// What the coordinator sends a site for a training round. Every request is bound to its
/// study and round, so a site (and later the wire protocol) can refuse stale work.
public struct TrainingRequest: Sendable {
    public var study: String
    public var round: Int
    public var globalParameters: [Float]
    public var instructions: TrainingInstructions
    /// Secure aggregation: the site keeps its update for the round's secure sum and answers
    /// with everything but the vectors (examples, loss, privacy spend).
    public var sealed: Bool
    /// The vectors the answer must carry beside its delta (the strategy's `sentVectors`), so a
    /// transport can check an upload as it arrives and say why it is refused.
    public var answerVectors: [VectorDeclaration]
    /// The head of the coordinator's audit trail when it sent this request (nil: it keeps none).
    public var coordinatorTrailHead: TrailHead?

    public init(
        study: String, round: Int, globalParameters: [Float], instructions: TrainingInstructions, sealed: Bool = false,
        answerVectors: [VectorDeclaration] = []
    ) {
        self.answerVectors = answerVectors
        self.study = study
        self.round = round
        self.globalParameters = globalParameters
        self.instructions = instructions
        self.sealed = sealed
    }
}

/// Asks a site to score the given parameters on its held-out split.
public struct EvaluationRequest: Sendable {
    public var study: String
    public var round: Int
    public var globalParameters: [Float]
    /// When set, the site also returns its test rows' score histograms on this many bins
    /// (`ValidationStatistics`), the input of the clinical validation report.
    public var validationBins: Int?

    public init(study: String, round: Int, globalParameters: [Float], validationBins: Int? = nil) {
        self.study = study
        self.round = round
        self.globalParameters = globalParameters
        self.validationBins = validationBins
    }
}
