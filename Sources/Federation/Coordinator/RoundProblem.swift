/// Why a round did not move the model, or what went wrong on the coordinator's side of it:
/// kept apart from the sites' failures, so a record never files the coordinator's own
/// trouble under a site.
public enum RoundProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Too few sites were available to start the round.
    case tooFewAvailable(available: Int, needed: Int)
    /// Too few updates were folded for the aggregate to count.
    case tooFewContributors(contributors: Int, participants: Int, needed: Int)
    /// The rule could not set up, finish or probe the round.
    case aggregationFailed(String)
    /// The secure sum did not complete; nothing was revealed.
    case secureAggregationFailed(String)

    public var description: String {
        switch self {
        case .tooFewAvailable(let available, let needed): "only \(available) sites available, \(needed) needed"
        case .tooFewContributors(let contributors, let participants, let needed):
            "only \(contributors) of \(participants) sites contributed, \(needed) needed; the model is unchanged"
        case .aggregationFailed(let reason): "aggregation failed: \(reason); the model is unchanged"
        case .secureAggregationFailed(let reason): "secure aggregation failed: \(reason); nothing was revealed"
        }
    }
}
