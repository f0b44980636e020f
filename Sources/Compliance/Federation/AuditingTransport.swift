import Federation

/// A site's compliance in simulation: its trail, and (optionally) its policy gate with the
/// study's plan and the site's row count.
public struct SiteCompliance: Sendable {
    public var auditor: SiteAuditor
    public var gate: SitePolicyGate?
    public var plan: TrainingPlan?
    public var trainingRows: Int

    public init(auditor: SiteAuditor, gate: SitePolicyGate? = nil, plan: TrainingPlan? = nil, trainingRows: Int) {
        self.auditor = auditor
        self.gate = gate
        self.plan = plan
        self.trainingRows = trainingRows
    }
}

/// Wraps a transport so each site's side of every round is audited and gated as its site
/// agent would do it: log the instructions, refuse before training if the policy says so,
/// check the update before it "leaves", log what left. A refusal is logged on the site's
/// trail and thrown, so the coordinator records it (with its reason) as the site's failure.
///
/// In deployment the site agent does this itself around `Site.train`; in simulation this
/// wrapper stands in for it without touching `Federation`.
public struct AuditingTransport: Transport {
    private let wrapped: any Transport
    private let sites: [SiteID: SiteCompliance]

    public init(wrapping transport: any Transport, sites: [SiteID: SiteCompliance]) {
        wrapped = transport
        self.sites = sites
    }

    public func availableSites() async -> [SiteID] { await wrapped.availableSites() }

    public func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        guard let compliance = sites[site] else { return try await wrapped.train(request, at: site) }
        let auditor = compliance.auditor
        try auditor.instructionsReceived(request, planHash: compliance.plan?.planHash)
        if let gate = compliance.gate {
            guard let plan = compliance.plan else {
                let refusal = PolicyRefusal(rule: "plan_approval", reason: "no training plan was presented for study '\(request.study)'")
                try auditor.refused(refusal, study: request.study, round: request.round)
                throw refusal
            }
            if case .refuse(let refusal) = gate.admit(RoundTerms(request), under: plan, trainingRows: compliance.trainingRows) {
                try auditor.refused(refusal, study: request.study, round: request.round)
                throw refusal
            }
        }
        let update = try await wrapped.train(request, at: site)
        if let gate = compliance.gate, let plan = compliance.plan,
           case .refuse(let refusal) = gate.release(OutgoingUpdate(update, answering: request), under: plan) {
            try auditor.refused(refusal, study: request.study, round: request.round)
            throw refusal
        }
        try auditor.updateSent(update, request: request)
        return update
    }

    public func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await wrapped.evaluate(request, at: site)
    }
}
