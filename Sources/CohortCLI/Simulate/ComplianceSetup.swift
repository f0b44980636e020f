import Compliance
import Crypto
import Federation
import Foundation

/// The compliance side of `cohort simulate`: a signed audit trail for the coordinator and for
/// every site (`--audit-dir`), the study's training plan (`--write-plan`, for a steward to
/// approve), and each site's policy gate (`--site-policy`), enforced where the site's agent
/// would enforce it: before any row is read and before an update leaves.
struct ComplianceSetup {
    var coordinator: FederationAuditor?
    var sites: [SiteID: SiteCompliance] = [:]
    var plan: TrainingPlan

    init(plan: TrainingPlan, auditDirectory: String?, sitePolicy: String?, stewardKey: String?, data: StudyData) throws {
        self.plan = plan
        var gate: SitePolicyGate?
        if let sitePolicy {
            guard let stewardKey else {
                throw CohortError("--site-policy needs --steward-key: the public key (file or hex) that signed the plan approvals")
            }
            do {
                let directory = PolicyDirectory(URL(fileURLWithPath: sitePolicy))
                let key = try AuditKeyFile.readPublicKey(stewardKey)
                gate = SitePolicyGate(policy: try directory.policy(), approvals: try directory.approvals(trustedKey: key))
            } catch let error as CohortError {
                throw error
            } catch {
                throw CohortError(String(describing: error))
            }
        }
        guard let auditDirectory else {
            if gate != nil { throw CohortError("--site-policy needs --audit-dir: every refusal is recorded on the site's audit trail") }
            return
        }
        let folder = URL(fileURLWithPath: auditDirectory)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let coordinatorTrail = try ComplianceSetup.trail(named: "coordinator", role: .coordinator, in: folder)
            coordinator = FederationAuditor(trail: coordinatorTrail, study: plan.study)
            for site in data.sites {
                let trail = try ComplianceSetup.trail(named: site.name, role: .site, in: folder)
                sites[SiteID(site.name)] = SiteCompliance(
                    auditor: SiteAuditor(trail: trail, site: site.name), gate: gate,
                    plan: plan, trainingRows: site.train.count)
            }
        } catch let error as CohortError {
            throw error
        } catch {
            throw CohortError("--audit-dir \(auditDirectory): \(error)")
        }
    }

    /// Opens (or starts) a participant's trail, with its signing key beside it.
    static func trail(named name: String, role: ParticipantRole, in folder: URL) throws -> AuditTrail {
        let keyPath = folder.appendingPathComponent("\(name).key").path
        let key =
            FileManager.default.fileExists(atPath: keyPath)
            ? try AuditKeyFile.readPrivateKey(at: keyPath) : try AuditKeyFile.generate(at: keyPath)
        return try AuditTrail.openOrCreate(
            at: folder.appendingPathComponent("\(name).audit.jsonl"),
            signer: AuditSigner(name: name, role: role, privateKey: key))
    }

    func studyCreated() {
        coordinator?.studyCreated(
            planHash: plan.planHash, coordinator: "coordinator",
            sites: sites.keys.sorted().map {
                (
                    name: $0.name, publicKey: sites[$0]?.auditor.trail.identity.publicKeyHex,
                    certificateFingerprint: nil
                )
            })
    }

    var transportWrapper: (@Sendable (any Transport) -> any Transport)? {
        guard !sites.isEmpty else { return nil }
        let sites = sites
        return { AuditingTransport(wrapping: $0, sites: sites) }
    }
}
