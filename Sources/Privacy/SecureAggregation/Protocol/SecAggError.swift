/// Why a secure-aggregation step failed. Every case carries a reason meant for a log line.
public enum SecAggError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The round cannot be set up as asked (overflow bound, threshold, graph).
    case configuration(String)
    /// A message could not be decoded, or its fields are inconsistent.
    case malformed(String)
    /// A client refuses to go on: the coordinator asked for something unsafe or inconsistent
    /// (both shares of one peer, a peer outside its neighbourhood, a replayed stage...).
    case refused(String)
    /// A message was rejected by the coordinator (the sender is then treated as dropped).
    case rejected(SecAggRejection)
    /// The round cannot finish; nothing was reconstructed.
    case aborted(String)

    public var description: String {
        switch self {
        case .configuration(let reason): "secure aggregation cannot be set up: \(reason)"
        case .malformed(let reason): "malformed secure-aggregation message: \(reason)"
        case .refused(let reason): "client refused: \(reason)"
        case .rejected(let rejection): rejection.description
        case .aborted(let reason): "secure aggregation aborted: \(reason)"
        }
    }
}
