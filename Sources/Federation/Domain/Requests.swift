/// What the coordinator sends a site for a training round. Every request is bound to its
/// study and round, so a site (and later the wire protocol) can refuse stale work.
public struct TrainingRequest: Sendable {
    public var study: String
    public var round: Int
    public var globalParameters: [Float]
    public var instructions: TrainingInstructions

    public init(study: String, round: Int, globalParameters: [Float], instructions: TrainingInstructions) {
        self.study = study
        self.round = round
        self.globalParameters = globalParameters
        self.instructions = instructions
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
