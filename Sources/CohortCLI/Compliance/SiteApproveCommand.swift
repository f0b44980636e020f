import ArgumentParser
import Compliance
import Foundation

/// `cohort site approve`: the data steward's consent to one training plan, by hash.
struct SiteApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a study's training plan for this site (by its SHA-256 hash).",
        discussion: """
            Reads the plan (strictly: unknown keys are refused), checks it against the site's policy \
            (POLICY_DIR/site-policy.yaml) and appends a signed approval to POLICY_DIR/approvals.jsonl, \
            recording the policy's hash first when the policy changed since the last approval. The site \
            then runs this exact plan and no other: changing any setting changes the hash.
            """)

    @Option(help: "The training plan (JSON) the coordinator published.")
    var plan: String

    @Option(help: "The site's policy directory.")
    var policyDir: String

    @Option(help: "Who approves (the data steward), as recorded.")
    var by: String

    @Option(help: "The site's private key, which signs the approvals.")
    var key: String

    @Option(help: "A note kept with the approval (an IRB reference, a ticket).")
    var note: String?

    @Option(help: "Also record the approval in this audit trail (the site's own).")
    var auditTrail: String?

    func run() throws {
        let trainingPlan: TrainingPlan
        do { trainingPlan = try TrainingPlan(contentsOf: URL(fileURLWithPath: plan)) } catch { throw CohortError("--plan: \(error)") }
        let directory = PolicyDirectory(URL(fileURLWithPath: policyDir))
        let policy: SitePolicy
        do { policy = try directory.policy() } catch { throw CohortError("\(error)") }
        do {
            let signer = AuditSigner(name: policy.site, role: .steward, privateKey: try AuditKeyFile.readPrivateKey(at: key))
            // Approving is consent to run; a plan the policy forbids would be refused anyway.
            if case .refuse(let refusal) = SitePolicyGate(policy: policy, approvals: .none).reviewRules(trainingPlan) {
                throw CohortError("not approved: the plan breaks the site policy: \(refusal.rule): \(refusal.reason)")
            }
            let approval = try PlanApprovals.approve(trainingPlan, under: policy, by: by, note: note, trail: directory.approvalsURL, signer: signer)
            if let auditTrail {
                let siteSigner = AuditSigner(name: policy.site, role: .site, privateKey: try AuditKeyFile.readPrivateKey(at: key))
                let trail = try AuditTrail.openOrCreate(at: URL(fileURLWithPath: auditTrail), signer: siteSigner)
                try trail.append(.planApproved(study: trainingPlan.study, planHash: trainingPlan.planHash, approvedBy: by, note: note))
                try trail.close()
            }
            print("approved plan \(approval.planHash) of study '\(approval.study)' for \(policy.site) (approvals entry \(approval.entry))")
        } catch let error as CohortError {
            throw error
        } catch {
            throw CohortError("\(error)")
        }
    }
}
