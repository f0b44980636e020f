import Compliance
import Crypto
import Federation
import Foundation
import Transport

/// Opens a deployed participant's trail and its site's policy from the config's `audit:` and
/// `policy:` blocks, with one clear error per problem (the file and the fix) before the
/// participant connects to anyone.
enum DeployedGovernance {
    /// The participant's trail, signed with the configured key.
    static func trail(_ settings: AuditSettings, participant: String, role: ParticipantRole, config: String) throws -> AuditTrail {
        let folder = settings.directory.path
        do {
            try FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true)
        } catch {
            throw CohortError(
                "\(config): audit.directory \(folder) cannot be created: \(error.localizedDescription); create it, or point audit.directory at a writable folder"
            )
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw CohortError(
                "\(config): audit.directory \(folder) is not writable by this user; fix its permissions (chmod u+w) or point audit.directory elsewhere")
        }
        let key: Curve25519.Signing.PrivateKey
        do { key = try AuditKeyFile.readPrivateKey(at: settings.key.path) } catch {
            throw CohortError(
                "\(config): audit.key: \(error) (cohort provision writes one; or create it with cohort audit keygen --out \(settings.key.lastPathComponent))")
        }
        do {
            return try AuditTrail.openOrCreate(at: settings.trail(of: participant), signer: AuditSigner(name: participant, role: role, privateKey: key))
        } catch {
            throw CohortError("\(config): \(error)")
        }
    }

    /// The site's policy gate: its steward's policy and the approvals signed with the steward's key.
    static func gate(_ settings: GovernanceSettings, site: String, config: String) throws -> SitePolicyGate {
        let directory = PolicyDirectory(settings.directory)
        let policy: SitePolicy
        do { policy = try directory.policy() } catch {
            throw CohortError("\(config): policy: \(error)")
        }
        guard policy.site == site else {
            throw CohortError(
                "\(directory.policyURL.path): the policy governs site '\(policy.site)', but this site's certificate names '\(site)'; fix 'site:' in the policy")
        }
        let stewardKey: Curve25519PublicKey
        do { stewardKey = try AuditKeyFile.readPublicKey(settings.stewardKey.path) } catch {
            throw CohortError("\(config): policy.steward_key: \(error) (the data steward creates it with cohort audit keygen and hands over the .pub file)")
        }
        do {
            return SitePolicyGate(policy: policy, approvals: try directory.approvals(trustedKey: stewardKey))
        } catch let error as AuditError {
            if case .damaged(_, let damage) = error, damage.kind == .untrustedKey {
                throw CohortError(
                    "\(directory.approvalsURL.path): the approvals are not signed by the steward key \(settings.stewardKey.path); approve again with the steward's key (cohort site approve --key STEWARD_KEY) or point policy.steward_key at the key that signed them"
                )
            }
            throw CohortError("\(directory.approvalsURL.path): \(error)")
        }
    }
}
