import Learning

/// Everything a coordinator needs to continue a study after a crash, written after every
/// completed round: the configuration, the rounds so far, the global model, and the state of
/// the strategy, the aggregation rule and the monitor. A coordinator restored from it runs
/// the remaining rounds exactly as an uninterrupted one would (same seed, same bits), because
/// every random draw is derived from the seed and the round number, never from history.
public struct CoordinatorCheckpoint: Sendable, Codable {
    public var configuration: StudyConfiguration
    public var layout: ParameterLayout
    public var rounds: [RoundRecord]
    public var globalParameters: [Float]
    public var strategyName: String
    public var strategy: ComponentState
    public var ruleName: String
    public var rule: ComponentState
    public var monitor: SiteMonitor?
    public var previousAggregate: [Float]?

    /// Rounds completed so far; the study resumes at the next one.
    public var completedRounds: Int { rounds.count }
}
