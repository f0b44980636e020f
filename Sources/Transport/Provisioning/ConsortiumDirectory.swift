import Foundation

/// Where `cohort provision` keeps a consortium's files:
///
/// ```
/// DIR/ca/ca.key            the CA's private key (0600): keep it offline
/// DIR/ca/ca.crt            the CA certificate every participant trusts
/// DIR/ca/consortium.yaml   name and the coordinator's address, for new site kits
/// DIR/ca/issued.tsv        every certificate issued: serial, role, name, expiry
/// DIR/ca/revocations.txt   the CA-signed revocation list
/// DIR/coordinator/         the coordinator's startup kit
/// DIR/sites/NAME/          one startup kit per site
/// ```
public struct ConsortiumDirectory: Sendable {
    public let root: URL

    public init(_ root: URL) { self.root = root.standardizedFileURL }

    public var authority: URL { root.appendingPathComponent("ca") }
    public var caKey: URL { authority.appendingPathComponent("ca.key") }
    public var caCertificate: URL { authority.appendingPathComponent("ca.crt") }
    public var settings: URL { authority.appendingPathComponent("consortium.yaml") }
    public var issued: URL { authority.appendingPathComponent("issued.tsv") }
    public var revocations: URL { authority.appendingPathComponent("revocations.txt") }
    public var coordinatorKit: URL { root.appendingPathComponent("coordinator") }
    public var sites: URL { root.appendingPathComponent("sites") }

    public func siteKit(_ name: String) -> URL { sites.appendingPathComponent(name) }
}

/// The file names inside a startup kit, relative to the kit.
public enum KitFile {
    public static let caCertificate = "ca.crt"
    public static let revocations = "revocations.txt"
    public static let coordinatorKey = "coordinator.key"
    public static let coordinatorCertificate = "coordinator.crt"
    public static let coordinatorConfig = "coordinator.yaml"
    public static let siteKey = "site.key"
    public static let siteCertificate = "site.crt"
    public static let siteRequest = "site.csr"
    public static let siteConfig = "site.yaml"

    // Governance: the audit trail, the steward's policy and the steward's approval key.
    public static let keysDirectory = "keys"
    /// Signs the participant's audit trail (Ed25519, 0600); `audit.key.pub` goes to auditors.
    public static let auditKey = "keys/audit.key"
    /// Where the participant's trail is kept (`audit/<participant>.audit.jsonl`).
    public static let auditDirectory = "audit"
    /// The data steward's `site-policy.yaml` and `approvals.jsonl`.
    public static let policyDirectory = "policy"
    public static let sitePolicy = "policy/site-policy.yaml"
    public static let stewardDirectory = "steward"
    /// Signs the steward's plan approvals; the steward moves it off the agent's machine.
    public static let stewardKey = "steward/steward.key"

    /// The public half of an Ed25519 key file (`AuditKeyFile` writes it beside the key).
    public static func publicKey(of key: String) -> String { key + ".pub" }
}
