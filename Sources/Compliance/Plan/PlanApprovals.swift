import Crypto
import Foundation

/// One steward approval of a training plan, by hash.
public struct PlanApproval: Hashable, Sendable {
    public var study: String
    public var planHash: String
    public var approvedBy: String
    public var approvedAt: Date
    public var note: String?
    /// The approval's entry in the approvals trail.
    public var entry: Int
}

/// The plans a site's steward approved, kept as a signed audit trail (`approvals.jsonl` in
/// the policy directory), so an approval cannot be added, removed or edited without the
/// trail failing verification. Policy changes are recorded in the same trail: each approval
/// is made under a known policy.
public struct PlanApprovals: Sendable {
    public var approvals: [PlanApproval]
    /// The hash of the policy the last approval was made under.
    public var policyHash: String?
    public var verification: AuditVerification

    public init(approvals: [PlanApproval] = [], policyHash: String? = nil, verification: AuditVerification) {
        self.approvals = approvals
        self.policyHash = policyHash
        self.verification = verification
    }

    /// No approvals at all (a site that approved nothing runs nothing).
    public static var none: PlanApprovals {
        PlanApprovals(
            verification: AuditVerification(
                entries: 0, verifiedEntries: 0, keyPinned: false, signaturesChecked: 0,
                headLink: AuditLineFormat.genesisLink))
    }

    /// Reads and verifies the approvals trail under the site's key; a damaged trail is
    /// refused, since a forged approval is exactly what tampering would add.
    public static func load(at url: URL, trustedKey: Curve25519.Signing.PublicKey) throws(AuditError) -> PlanApprovals {
        let log = try AuditLog.read(at: url, verifier: AuditVerifier(trustedKey: trustedKey))
        if let damage = log.verification.damage { throw .damaged(path: url.path, damage: damage) }
        var result = PlanApprovals(verification: log.verification)
        for entry in log.entries {
            switch entry.event {
            case .planApproved(let study, let planHash, let approvedBy, let note):
                result.approvals.append(
                    PlanApproval(
                        study: study, planHash: planHash, approvedBy: approvedBy, approvedAt: entry.time,
                        note: note, entry: entry.sequence))
            case .policyChanged(let policyHash, _, _, _):
                result.policyHash = policyHash
            default:
                break
            }
        }
        return result
    }

    /// The approval of `planHash`, if the steward gave one.
    public func approval(of planHash: String) -> PlanApproval? {
        approvals.last { $0.planHash == planHash }
    }

    /// Records the steward's approval of `plan` in the approvals trail (created on first use),
    /// first recording the policy's hash if the policy changed since the last approval.
    @discardableResult
    public static func approve(
        _ plan: TrainingPlan, under policy: SitePolicy, by steward: String, note: String? = nil,
        trail url: URL, signer: AuditSigner, now: Date = Date()
    ) throws(AuditError) -> PlanApproval {
        let existing = FileManager.default.fileExists(atPath: url.path) ? try load(at: url, trustedKey: signer.identity.publicKey) : nil
        let trail = try AuditTrail.openOrCreate(at: url, signer: signer)
        defer { try? trail.close() }
        if existing?.policyHash != policy.policyHash {
            try trail.append(
                .policyChanged(
                    policyHash: policy.policyHash, previousHash: existing?.policyHash, changedBy: policy.steward,
                    source: "site policy of \(policy.site)"), at: now)
        }
        let anchor = try trail.append(.planApproved(study: plan.study, planHash: plan.planHash, approvedBy: steward, note: note), at: now)
        return PlanApproval(
            study: plan.study, planHash: plan.planHash, approvedBy: steward,
            approvedAt: AuditTimestamp.date(AuditTimestamp.string(now)) ?? now, note: note, entry: anchor.sequence)
    }
}
