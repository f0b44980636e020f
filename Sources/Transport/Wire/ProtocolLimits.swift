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

    public static let largestChunk = 4 << 20
    /// gRPC message limit: a chunk plus room for its framing fields.
    static let messageOverhead = 64 << 10

    public init() {}

    var maxMessageBytes: Int { max(chunkBytes, 4_096) + Self.messageOverhead }
    var deadSiteSeconds: Double { heartbeatInterval * Double(missedHeartbeats) }

    /// The most bytes an update for a model of `parameterCount` values may take.
    func updateByteLimit(parameterCount: Int, vectors: Int) -> Int {
        maxUpdateBytes ?? parameterCount * vectors * VectorBytes.bytesPerValue
    }
}
