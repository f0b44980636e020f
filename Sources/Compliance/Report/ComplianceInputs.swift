import Foundation

/// A site's privacy budget as its ledger reports it, in plain values: the CLI fills it from
/// the `Privacy` module's `PrivacyReport` (Compliance does not depend on `Privacy`).
public struct PrivacyBudgetSnapshot: Hashable, Sendable, Codable {
    public struct Round: Hashable, Sendable, Codable {
        public var study: String
        public var round: Int
        /// The site's cumulative epsilon after the round.
        public var epsilon: Double

        public init(study: String, round: Int, epsilon: Double) {
            self.study = study
            self.round = round
            self.epsilon = epsilon
        }
    }

    public var site: String
    public var delta: Double
    public var maxEpsilon: Double
    public var epsilonSpent: Double
    public var rounds: [Round]

    public init(site: String, delta: Double, maxEpsilon: Double, epsilonSpent: Double, rounds: [Round]) {
        self.site = site
        self.delta = delta
        self.maxEpsilon = maxEpsilon
        self.epsilonSpent = epsilonSpent
        self.rounds = rounds
    }
}

/// Everything a compliance report is made from. Numbers come from the trails and the ledger,
/// never from the report's own arithmetic beyond sums.
///
/// A study's records are its coordinator's trail and one trail per site (each site keeps its
/// own; a compliance officer collects them). The policy, approvals, ledger and quality summary
/// are one site's own records: `site` names that site.
public struct ComplianceReportInput: Sendable {
    /// One site's trail and the site it belongs to.
    public struct SiteTrail: Sendable {
        public var name: String
        public var log: AuditLog

        /// The site is the trail's signer (its first entry) unless `name` says otherwise; a
        /// trail too damaged to name its signer is known by its file name.
        public init(_ log: AuditLog, name: String? = nil) {
            self.log = log
            self.name = name ?? log.verification.participant ?? URL(fileURLWithPath: log.path).lastPathComponent
        }
    }

    public var study: String
    public var siteTrails: [SiteTrail]
    /// The site that `policy`, `approvals`, `privacy` and `quality` describe.
    public var site: String?
    public var coordinatorTrail: AuditLog?
    public var policy: SitePolicy?
    public var approvals: PlanApprovals?
    public var plan: TrainingPlan?
    public var privacy: PrivacyBudgetSnapshot?
    public var quality: DataQualitySummary?
    public var generatedAt: Date

    /// A study's trails: every site's given, with one site's own records when `site` names it.
    public init(
        study: String, siteTrails: [SiteTrail], site: String? = nil, coordinatorTrail: AuditLog? = nil, policy: SitePolicy? = nil,
        approvals: PlanApprovals? = nil, plan: TrainingPlan? = nil, privacy: PrivacyBudgetSnapshot? = nil,
        quality: DataQualitySummary? = nil, generatedAt: Date = Date()
    ) {
        self.study = study
        self.siteTrails = siteTrails
        self.site = site
        self.coordinatorTrail = coordinatorTrail
        self.policy = policy
        self.approvals = approvals
        self.plan = plan
        self.privacy = privacy
        self.quality = quality
        self.generatedAt = generatedAt
    }

    /// One site's report: its trail, read as the trail of `site`.
    public init(
        study: String, site: String, siteTrail: AuditLog, coordinatorTrail: AuditLog? = nil, policy: SitePolicy? = nil,
        approvals: PlanApprovals? = nil, plan: TrainingPlan? = nil, privacy: PrivacyBudgetSnapshot? = nil,
        quality: DataQualitySummary? = nil, generatedAt: Date = Date()
    ) {
        self.init(
            study: study, siteTrails: [SiteTrail(siteTrail, name: site)], site: site, coordinatorTrail: coordinatorTrail, policy: policy,
            approvals: approvals, plan: plan, privacy: privacy, quality: quality, generatedAt: generatedAt)
    }
}
