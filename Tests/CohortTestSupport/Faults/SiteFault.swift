import Federation

/// Misbehaviour injected beneath the coordinator, to exercise its handling of dropouts,
/// stragglers and bad updates. Test support only: production sites cannot be told to fail.
public enum SiteFault: Hashable, Sendable {
    case unavailable
    case failTraining(rounds: Set<Int>)
    case delayTraining(seconds: Double, rounds: Set<Int>)
    case corruptUpdate(rounds: Set<Int>, UpdateCorruption)
    /// Answers its first `afterAnswers` secure-aggregation messages of the study, then fails
    /// every later one: a site that drops out in the middle of a secure sum.
    case leaveSecureAggregation(afterAnswers: Int)
}
