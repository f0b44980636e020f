import Compliance
import Foundation

/// The files a startup kit needs for its participant to be governed: an audit key and the
/// folder of its signed trail (every participant), and at a site the data steward's policy
/// template and approval key. `provision` writes them so that a kit runs governed from its
/// first start, instead of leaving each hospital to assemble keys and folders by hand.
///
/// Each file is written only where absent. A key that exists may already have signed a trail
/// or approvals (replacing it orphans them), and a policy the steward edited is theirs; the
/// CSR flow runs in a kit the site may have prepared.
enum KitGovernance {
    /// A site kit's: `keys/audit.key` (+ .pub), `audit/`, `policy/site-policy.yaml` and the
    /// steward's `steward/steward.key` (+ .pub).
    static func writeSiteFiles(site: String, into kit: URL) throws {
        try writeAuditFiles(into: kit)
        try Provisioner.makeDirectory(kit.appendingPathComponent(KitFile.policyDirectory), private: false)
        let policy = kit.appendingPathComponent(KitFile.sitePolicy)
        if !FileManager.default.fileExists(atPath: policy.path) {
            try FileWriting.write(StartupKit.sitePolicy(site: site), to: policy)
        }
        try Provisioner.makeDirectory(kit.appendingPathComponent(KitFile.stewardDirectory), private: true)
        try writeKeyPair(kit.appendingPathComponent(KitFile.stewardKey))
    }

    /// Every participant's: `keys/audit.key` (+ .pub) and the empty `audit/` its trail goes in.
    static func writeAuditFiles(into kit: URL) throws {
        try Provisioner.makeDirectory(kit.appendingPathComponent(KitFile.keysDirectory), private: true)
        try writeKeyPair(kit.appendingPathComponent(KitFile.auditKey))
        try Provisioner.makeDirectory(kit.appendingPathComponent(KitFile.auditDirectory), private: true)
    }

    /// An Ed25519 key (0600) and its `.pub`, in the encoding `cohort audit` and `cohort site
    /// approve` read.
    private static func writeKeyPair(_ key: URL) throws {
        guard !FileManager.default.fileExists(atPath: key.path) else { return }
        do {
            try AuditKeyFile.generate(at: key.path)
        } catch {
            throw ProvisioningError("\(error)")
        }
    }
}
