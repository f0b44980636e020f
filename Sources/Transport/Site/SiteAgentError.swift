/// What went wrong for a site agent, by what the agent does about it: `endsParticipation`
/// cases stop the agent (reconnecting cannot help until someone changes something), the
/// others end one connection or one task and the agent carries on.
///
/// ```swift
/// do { _ = try await agent.run() }
/// catch SiteAgentError.certificateRefused(let why) { /* ask the operator for a new certificate */ }
/// ```
public enum SiteAgentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The coordinator refused this site when it joined: its data does not fit the study.
    case refusedByCoordinator(String)
    /// The coordinator revoked this site or shut it out after it joined.
    case shutOut(String)
    /// The coordinator refused this site's certificate in the TLS handshake, time after time.
    case certificateRefused(String)
    /// This site cannot take part in the study it was welcomed to (its data, the model's size,
    /// its state directory, its governance).
    case cannotJoin(String)
    /// This site's saved state cannot be read; it is kept as it is for the operator to look at.
    case unreadableState(path: String, reason: String)
    /// The coordinator went silent, or never welcomed this site: the agent reconnects.
    case coordinatorSilent(String)
    /// The coordinator asked for something this site cannot do now (train before joining, a
    /// secure-aggregation message to a site without an endpoint, a model of another size): the
    /// task is failed and reported, the study goes on.
    case outOfOrder(String)

    /// True when the agent stops rather than reconnects.
    public var endsParticipation: Bool {
        switch self {
        case .refusedByCoordinator, .shutOut, .certificateRefused, .cannotJoin, .unreadableState: true
        case .coordinatorSilent, .outOfOrder: false
        }
    }

    public var description: String {
        switch self {
        case .refusedByCoordinator(let reason): "the coordinator refused this site: \(reason)"
        case .shutOut(let reason): "the coordinator shut this site out: \(reason); ask the consortium operator for a new certificate"
        case .certificateRefused(let explanation): explanation
        case .cannotJoin(let reason): reason
        case .unreadableState(let path, let reason): "site state \(path) cannot be read (\(reason)); move it away to start this site afresh"
        case .coordinatorSilent(let reason), .outOfOrder(let reason): reason
        }
    }
}
