import Foundation
import Studies

/// Where a participant keeps its signed audit trail (`audit:` in coordinator.yaml and
/// site.yaml): the trail's folder and the Ed25519 key that signs it, kept apart so that
/// whoever can rewrite the trail's folder does not also hold the key.
public struct AuditSettings: Sendable, Hashable {
    /// The trail is `directory/<participant>.audit.jsonl`.
    public var directory: URL
    public var key: URL

    public static let keys = ["directory", "key"]

    init(_ node: ConfigNode) throws {
        let fields = try node.mapping(allowed: Self.keys)
        guard let directory = fields["directory"], let key = fields["key"] else {
            throw ConfigError("\(node.location): '\(node.key)' needs 'directory' (where the trail is kept) and 'key' (the private key that signs it)")
        }
        self.directory = try directory.path()
        self.key = try key.path()
        if self.key.deletingLastPathComponent().standardizedFileURL.path == self.directory.standardizedFileURL.path {
            throw ConfigError(
                "\(key.location): '\(node.key).key' is inside the trail's folder; keep the signing key elsewhere (e.g. keys/audit.key) so whoever can rewrite the trail cannot also re-sign it"
            )
        }
    }

    /// The trail file of `participant`.
    public func trail(of participant: String) -> URL {
        directory.appendingPathComponent("\(participant).audit.jsonl")
    }
}

/// A site's governance (`policy:` in site.yaml): the steward's policy folder and the public
/// key that signs the steward's plan approvals.
public struct GovernanceSettings: Sendable, Hashable {
    /// `site-policy.yaml` and `approvals.jsonl`.
    public var directory: URL
    public var stewardKey: URL

    init(_ node: ConfigNode) throws {
        let fields = try node.mapping(allowed: ["directory", "steward_key"])
        guard let directory = fields["directory"], let key = fields["steward_key"] else {
            throw ConfigError(
                "\(node.location): 'policy' needs 'directory' (site-policy.yaml and approvals.jsonl) and 'steward_key' (the data steward's public key)")
        }
        self.directory = try directory.path()
        stewardKey = try key.path()
    }
}
