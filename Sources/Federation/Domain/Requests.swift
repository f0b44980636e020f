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

    public init(study: String, round: Int, globalParameters: [Float], instructions: TrainingInstructions, sealed: Bool = false) {
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

    public init(study: String, round: Int, globalParameters: [Float]) {
        self.study = study
        self.round = round
        self.globalParameters = globalParameters
    }
}
