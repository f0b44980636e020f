import Compliance
import Federation
import Foundation

/// A site worker under its site's governance: every instruction, refusal, update and
/// evaluation lands on the site's own signed trail, and with a policy the site runs only the
/// plan its data steward approved, on the approved terms (`SiteCompliance`, the same piece
/// the simulator runs). A refusal fails the task with its reason, which the coordinator
/// records as the site's failure.
///
/// ```swift
/// let worker = GovernedSiteWorker(wrapping: FederatedSiteWorker(...), auditor: SiteAuditor(trail: trail, site: "va"),
///                                 gate: SitePolicyGate(policy: policy, approvals: approvals), log: log)
/// ```
public actor GovernedSiteWorker: SiteWorker {
    private let inner: any SiteWorker
    private let auditor: SiteAuditor
    private let gate: SitePolicyGate?
    private let log: EventLog
    private var compliance: SiteCompliance?
    private var joined: String?
    /// Set when the coordinator announced a plan that does not describe the study it runs.
    private var planProblem: PolicyRefusal?

    public nonisolated var data: DataSummary { inner.data }
    public nonisolated var needsGlobalParameters: Bool { inner.needsGlobalParameters }

    public init(wrapping inner: any SiteWorker, auditor: SiteAuditor, gate: SitePolicyGate?, log: EventLog = .silent) {
        self.inner = inner
        self.auditor = auditor
        self.gate = gate
        self.log = log
    }

    public func join(_ study: StudyDescription, as site: SiteID) async throws {
        try await inner.join(study, as: site)
        var plan: TrainingPlan?
        planProblem = nil
        if let text = study.trainingPlan {
            do {
                let announced = try TrainingPlan(json: Data(text.utf8), source: "the coordinator's training plan")
                if let mismatch = Self.mismatch(announced, study) {
                    planProblem = PolicyRefusal(rule: "plan_terms", reason: "the announced plan does not describe the study the coordinator runs: \(mismatch)")
                } else {
                    plan = announced
                }
            } catch {
                planProblem = PolicyRefusal(rule: "plan_terms", reason: "the coordinator's training plan cannot be read: \(error)")
            }
        }
        compliance = SiteCompliance(auditor: auditor, gate: gate, plan: plan, trainingRows: data.trainingRows)
        if joined != study.studyID {
            joined = study.studyID
            try auditor.trail.append(
                .siteJoined(
                    study: study.studyID, site: site.name, publicKey: auditor.trail.identity.publicKeyHex,
                    certificateFingerprint: nil))
        }
        if let planProblem {
            log.warning("plan-refused", ["study": study.studyID, "rule": planProblem.rule, "reason": planProblem.reason])
        } else if let gate, let plan, case .refuse(let refusal) = gate.review(plan) {
            log.warning("plan-refused", ["study": study.studyID, "plan": plan.planHash, "rule": refusal.rule, "reason": refusal.reason])
        } else if gate == nil {
            log.warning("ungoverned", ["reason": "no site policy configured: this site runs any plan the coordinator sends"])
        }
    }

    public func train(_ request: TrainingRequest) async throws -> SiteUpdate {
        guard let compliance else { throw SiteAgentError.outOfOrder("asked to train before joining a study") }
        if let planProblem, gate != nil {
            try auditor.instructionsReceived(request, planHash: nil)
            try auditor.refused(planProblem, study: request.study, round: request.round)
            throw planProblem
        }
        return try await compliance.train(request) { [inner] in try await inner.train($0) }
    }

    public func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport {
        guard let compliance else { throw SiteAgentError.outOfOrder("asked to evaluate before joining a study") }
        return try await compliance.evaluate(request) { [inner] in try await inner.evaluate($0) }
    }

    public func respond(toSecureMessage message: [UInt8]) async throws -> [UInt8] {
        try await inner.respond(toSecureMessage: message)
    }

    /// Where a plan and the study it is announced with disagree, in words (nil: they agree).
    static func mismatch(_ plan: TrainingPlan, _ study: StudyDescription) -> String? {
        if plan.study != study.studyID { return "plan of study '\(plan.study)', study '\(study.studyID)'" }
        if plan.model != study.model.description { return "plan model \(plan.model), study model \(study.model)" }
        if plan.parameterCount != study.parameterCount { return "plan of \(plan.parameterCount) parameters, model of \(study.parameterCount)" }
        if plan.rounds != study.rounds { return "plan of \(plan.rounds) rounds, study of \(study.rounds)" }
        if let schema = study.schemaSHA256, plan.schemaHash != schema { return "plan schema \(plan.schemaHash.prefix(12)), study schema \(schema.prefix(12))" }
        return nil
    }
}
