import Foundation
import Studies

/// `coordinator.yaml`: where the coordinator listens, its TLS material, its database, the
/// liveness and size limits of the protocol, and the study it runs. The study's keys are
/// interpreted by the command that runs it (they are `cohort simulate`'s options), so here
/// they are kept with their locations for its messages.
public struct CoordinatorConfig: Sendable {
    public var listen: NetworkAddress
    /// Where the vector lane listens (nil: none; vectors travel over gRPC). Sites dial the
    /// host they dial for gRPC, at this port, which must be open to them as `listen` is.
    public var vectorLane: NetworkAddress?
    public var certificate: URL
    public var key: URL
    public var authority: URL
    public var revocations: URL?
    public var database: URL
    public var limits: ProtocolLimits
    /// Checkpoints kept in the database, the latest ones; nil: one for every round. Resuming
    /// needs only the latest, and at 1e8 parameters each one takes 0.4 GB or more.
    public var keepCheckpoints: Int?
    /// The coordinator's own audit trail of study events (nil: none kept).
    public var audit: AuditSettings?
    /// The `study:` mapping, read by the study definition (`StudySpecification(config:)`).
    public var study: ConfigNode
    public var file: String

    /// Beside the database: the newest revocation list this coordinator accepted, so a stale
    /// copy is refused after a restart too (`coordinator.revocation-sequence`).
    public var revocationMemory: RevocationMemory {
        RevocationMemory(file: database.deletingPathExtension().appendingPathExtension("revocation-sequence"))
    }

    public static let keys = [
        "listen", "certificate", "key", "ca", "revocations", "database", "study",
        "heartbeat_seconds", "missed_heartbeats", "chunk_bytes", "max_update_bytes", "site_wait_seconds",
        "rejoin_grace_seconds", "keep_checkpoints", "vector_lane", "audit",
        "handshake_timeout_seconds", "max_unauthenticated_connections", "max_unauthenticated_per_address"
    ]

    public static func load(_ url: URL) throws -> CoordinatorConfig {
        let document = try ConfigNode.load(url)
        let fields = try document.mapping(allowed: keys)
        func required(_ key: String) throws -> ConfigNode {
            guard let value = fields[key] else { throw ConfigError("\(url.path): missing '\(key)'") }
            return value
        }
        func address(_ node: ConfigNode, _ key: String) throws -> NetworkAddress {
            do { return try NetworkAddress(parsing: try node.string()) } catch let error as ConfigError {
                throw ConfigError("\(node.location): '\(key)': \(error.description)")
            }
        }
        let listen = try address(try required("listen"), "listen")
        let vectorLane = try fields["vector_lane"].map { try address($0, "vector_lane") }
        var limits = ProtocolLimits()
        if let value = fields["heartbeat_seconds"] { limits.heartbeatInterval = try value.seconds(minimum: 0.05) }
        if let value = fields["missed_heartbeats"] { limits.missedHeartbeats = try value.int(in: 1...1000) }
        if let value = fields["chunk_bytes"] { limits.chunkBytes = try value.int(in: 4_096...ProtocolLimits.largestChunk) }
        if let value = fields["max_update_bytes"] { limits.maxUpdateBytes = try value.int(in: 4...Int.max) }
        if let value = fields["site_wait_seconds"] { limits.siteWaitSeconds = try value.seconds(minimum: 0) }
        if let value = fields["rejoin_grace_seconds"] { limits.rejoinGraceSeconds = try value.seconds(minimum: 0) }
        if let value = fields["handshake_timeout_seconds"] { limits.handshakeTimeoutSeconds = try value.seconds(minimum: 0.05) }
        if let value = fields["max_unauthenticated_connections"] { limits.maxUnauthenticatedConnections = try value.int(in: 1...100_000) }
        if let value = fields["max_unauthenticated_per_address"] { limits.maxUnauthenticatedPerAddress = try value.int(in: 1...100_000) }
        return CoordinatorConfig(
            listen: listen, vectorLane: vectorLane, certificate: try required("certificate").path(), key: try required("key").path(),
            authority: try required("ca").path(), revocations: try fields["revocations"]?.path(),
            database: try fields["database"]?.path() ?? url.deletingLastPathComponent().appendingPathComponent("coordinator.sqlite"),
            limits: limits, keepCheckpoints: try fields["keep_checkpoints"]?.int(in: 1...1_000_000),
            audit: try fields["audit"].map(AuditSettings.init), study: try required("study"),
            file: url.path)
    }
}
