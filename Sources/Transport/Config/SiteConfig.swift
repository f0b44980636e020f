import Foundation
import Studies

/// `site.yaml`: how a site agent reaches its coordinator. It holds no identity: the site's
/// name is the one in its certificate.
public struct SiteConfig: Sendable {
    public var coordinator: NetworkAddress
    public var certificate: URL
    public var key: URL
    public var authority: URL
    /// Where the site keeps its checkpoints (its place in the data, its last answer).
    public var stateDirectory: URL
    /// Site data given in the config (the command line's --data wins).
    public var data: String?
    /// Reconnection backoff after a lost connection: first delay and ceiling.
    public var reconnectInitialSeconds: Double
    public var reconnectMaximumSeconds: Double
    /// DP-SGD studies: the most epsilon this site lets studies spend, at `privacyDelta`.
    public var privacyBudget: Double?
    public var privacyDelta: Double
    /// The site's own signed audit trail (nil: none kept).
    public var audit: AuditSettings?
    /// The data steward's policy and approvals (nil: ungoverned, the site runs any plan).
    public var policy: GovernanceSettings?
    /// Where the config came from, for messages.
    public var file: String

    public static let keys = ["coordinator", "certificate", "key", "ca", "state", "data", "reconnect", "privacy", "audit", "policy"]

    public static func load(_ url: URL) throws -> SiteConfig {
        let document = try ConfigNode.load(url)
        let fields = try document.mapping(allowed: keys)
        func required(_ key: String) throws -> ConfigNode {
            guard let value = fields[key] else { throw ConfigError("\(url.path): missing '\(key)'") }
            return value
        }
        let address = try required("coordinator")
        let coordinator: NetworkAddress
        do { coordinator = try NetworkAddress(parsing: try address.string()) } catch let error as ConfigError {
            throw ConfigError("\(address.location): 'coordinator': \(error.description)")
        }
        var config = SiteConfig(
            coordinator: coordinator,
            certificate: try required("certificate").path(), key: try required("key").path(), authority: try required("ca").path(),
            stateDirectory: try fields["state"]?.path() ?? url.deletingLastPathComponent().appendingPathComponent("state"),
            data: try fields["data"]?.string(),
            reconnectInitialSeconds: 0.2, reconnectMaximumSeconds: 15, privacyBudget: nil, privacyDelta: 1e-5, file: url.path)
        if let reconnect = fields["reconnect"] {
            let values = try reconnect.mapping(allowed: ["initial_seconds", "max_seconds"])
            config.reconnectInitialSeconds = try values["initial_seconds"]?.seconds(minimum: 0.01) ?? config.reconnectInitialSeconds
            config.reconnectMaximumSeconds =
                try values["max_seconds"]?.seconds(minimum: config.reconnectInitialSeconds)
                ?? max(config.reconnectMaximumSeconds, config.reconnectInitialSeconds)
        }
        if let privacy = fields["privacy"] {
            let values = try privacy.mapping(allowed: ["max_epsilon", "delta"])
            config.privacyBudget = try values["max_epsilon"]?.double(minimum: 0)
            config.privacyDelta = try values["delta"]?.double(minimum: 0) ?? config.privacyDelta
        }
        config.audit = try fields["audit"].map(AuditSettings.init)
        config.policy = try fields["policy"].map(GovernanceSettings.init)
        return config
    }
}
