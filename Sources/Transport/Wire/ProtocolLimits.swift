import Studies

/// The protocol's timing and size limits, set by the coordinator and told to sites.
public struct ProtocolLimits: Hashable, Sendable {
    /// Sites send a heartbeat this often (seconds).
    public var heartbeatInterval: Double = 1
    /// A site silent for this many intervals is dead: its open tasks fail at once instead of
    /// holding the round until the deadline.
    public var missedHeartbeats: Int = 5
    /// Bytes of values per chunk (models and updates travel in chunks of this size).
    public var chunkBytes: Int = 1 << 20
    /// The largest update (all its vectors) the coordinator accepts, in bytes; nil: exactly
    /// what the study's model needs.
    public var maxUpdateBytes: Int?
    /// How long a round waits for enough sites to be connected before it is given up.
    public var siteWaitSeconds: Double = 60
    /// How long a round start waits for sites that were connected before but are now
    /// reconnecting, once the minimum is there (k-of-n: the rest join the next round).
    public var rejoinGraceSeconds: Double = 2
    /// Updates of at least this many bytes are received into a spool file on disk and read
    /// back when their turn to be folded comes, so many large uploads at once do not each
    /// hold a model in memory.
    public var spillBytes: Int = 16 << 20
    /// A connection that has not completed its TLS handshake (not yet authenticated) within
    /// this many seconds is closed: an idle TCP connection holds a descriptor and nothing else.
    public var handshakeTimeoutSeconds: Double = 10
    /// Connections still in their handshake, over both listeners together, and from one
    /// address: more are closed as they are accepted, so idle connections cannot use up the
    /// coordinator's descriptors and lock the real sites out (`HandshakeGate`).
    public var maxUnauthenticatedConnections = 256
    public var maxUnauthenticatedPerAddress = 32

    public static let largestChunk = 4 << 20
    /// gRPC message limit: a chunk plus room for its framing fields.
    static let messageOverhead = 64 << 10

    public init() {}

    /// Why a coordinator cannot run with these limits, naming the config key (a duration that
    /// a `Duration` or the wire's milliseconds cannot hold traps when converted); nil when it
    /// can. `coordinator.yaml` refuses such values as it is read; this catches limits made in code.
    func problem() -> String? {
        let durations = [
            ("heartbeat_seconds", heartbeatInterval, 0.05), ("site_wait_seconds", siteWaitSeconds, 0),
            ("rejoin_grace_seconds", rejoinGraceSeconds, 0), ("handshake_timeout_seconds", handshakeTimeoutSeconds, 0.05)
        ]
        for (key, value, minimum) in durations where !(value >= minimum && value <= ConfigNode.longestSeconds) {
            return "\(key) must be between \(minimum) and \(Int(ConfigNode.longestSeconds)) seconds, got \(value)"
        }
        if !(1...1000).contains(missedHeartbeats) { return "missed_heartbeats must be between 1 and 1000, got \(missedHeartbeats)" }
        if !(1...Self.largestChunk).contains(chunkBytes) { return "chunk_bytes must be between 1 and \(Self.largestChunk), got \(chunkBytes)" }
        if maxUnauthenticatedConnections < 1 || maxUnauthenticatedPerAddress < 1 {
            return "max_unauthenticated_connections and max_unauthenticated_per_address must be at least 1"
        }
        return nil
    }

    var maxMessageBytes: Int { max(chunkBytes, 4_096) + Self.messageOverhead }
    var deadSiteSeconds: Double { heartbeatInterval * Double(missedHeartbeats) }

    /// The most bytes an update for a model of `parameterCount` values may take.
    func updateByteLimit(parameterCount: Int, vectors: Int) -> Int {
        maxUpdateBytes ?? parameterCount * vectors * VectorBytes.bytesPerValue
    }
}
