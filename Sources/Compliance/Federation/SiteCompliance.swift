import Federation

/// A site's governance around its own work, the same in simulation and deployment: log the
/// instructions, refuse before any row is read if the policy or the steward's approvals say
/// so, check the update before it leaves, log what left (bytes, SHA-256, DP parameters and
/// the cumulative epsilon), and log every evaluation sent. A refusal is logged on the site's
/// trail and thrown, so the coordinator records it, with its reason, as the site's failure.
///
/// ```swift
/// let compliance = SiteCompliance(auditor: SiteAuditor(trail: trail, site: "va"), gate: gate, plan: plan, trainingRows: 200)
/// let update = try await compliance.train(request) { try await site.train($0) }
/// ```
public struct SiteCompliance: Sendable {
    public var auditor: SiteAuditor
    /// The site's policy and its steward's approvals; nil: ungoverned (every plan runs).
    public var gate: SitePolicyGate?
    /// The plan the study runs under, as announced.
    public var plan: TrainingPlan?
    public var trainingRows: Int
    /// The coordinator's certificate fingerprint, for `allowed_coordinators` (nil in simulation).
    public var coordinatorFingerprint: String?

    public init(
        auditor: SiteAuditor, gate: SitePolicyGate? = nil, plan: TrainingPlan? = nil, trainingRows: Int,
        coordinatorFingerprint: String? = nil
    ) {
        self.auditor = auditor
        self.gate = gate
        self.plan = plan
        self.trainingRows = trainingRows
        self.coordinatorFingerprint = coordinatorFingerprint
    }

    /// Runs `train` on `request` if the site's policy admits the round, and lets the update
    /// leave only if the policy releases it; every step lands on the site's trail.
    public func train(_ request: TrainingRequest, using train: @Sendable (TrainingRequest) async throws -> SiteUpdate) async throws -> SiteUpdate {
        try auditor.instructionsReceived(request, planHash: plan?.planHash)
        if let head = request.coordinatorTrailHead {
            try auditor.trail.append(
                .trailWitnessed(
                    study: request.study, round: request.round, participant: SiteCompliance.coordinatorParticipant,
                    sequence: head.sequence, entryHash: head.entryHash))
        }
        if let gate {
            guard let plan else {
                try refuse(PolicyRefusal(rule: "plan_approval", reason: "the coordinator presented no training plan for study '\(request.study)'"), request)
            }
            if case .refuse(let refusal) = gate.admit(
                RoundTerms(request), under: plan, trainingRows: trainingRows,
                coordinator: coordinatorFingerprint)
            {
                try refuse(refusal, request)
            }
        }
        var update = try await train(request)
        if let gate, let plan, case .refuse(let refusal) = gate.release(OutgoingUpdate(update, answering: request), under: plan) {
            try refuse(refusal, request)
        }
        try auditor.updateSent(update, request: request)
        update.trailHead = auditor.trail.head.trailHead
        return update
    }

    /// Runs `evaluate` and records that aggregate metrics on the site's test rows left.
    public func evaluate(_ request: EvaluationRequest, using evaluate: @Sendable (EvaluationRequest) async throws -> EvaluationReport) async throws
        -> EvaluationReport
    {
        var report = try await evaluate(request)
        let head = try auditor.trail.append(.evaluationSent(study: request.study, round: request.round, site: auditor.site, rows: report.metrics.count))
        report.trailHead = head.trailHead
        return report
    }

    /// The name a site's trail records the coordinator's witnessed heads under.
    public static let coordinatorParticipant = "coordinator"

    private func refuse(_ refusal: PolicyRefusal, _ request: TrainingRequest) throws -> Never {
        try auditor.refused(refusal, study: request.study, round: request.round)
        throw refusal
    }
}
