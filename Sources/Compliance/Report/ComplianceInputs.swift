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

/// A site's data-quality summary in plain values (the CLI fills it from `ClinicalData`'s
/// quality report): counts and percentages only, already small-cell safe.
public struct DataQualitySummary: Hashable, Sendable, Codable {
    public struct Exclusion: Hashable, Sendable, Codable {
        public var reason: String
        public var rows: Int
        public init(reason: String, rows: Int) {
            self.reason = reason
            self.rows = rows
        }
    }

    public struct Missingness: Hashable, Sendable, Codable {
        public var feature: String
        public var missingPercent: Double
        public init(feature: String, missingPercent: Double) {
            self.feature = feature
            self.missingPercent = missingPercent
        }
    }

    public var source: String
    public var schemaHash: String?
    public var rowsRead: Int
    public var rowsIncluded: Int
    public var exclusions: [Exclusion]
    public var missingness: [Missingness]

    public init(source: String, schemaHash: String? = nil, rowsRead: Int, rowsIncluded: Int, exclusions: [Exclusion] = [],
                missingness: [Missingness] = []) {
        self.source = source
        self.schemaHash = schemaHash
        self.rowsRead = rowsRead
        self.rowsIncluded = rowsIncluded
        self.exclusions = exclusions
        self.missingness = missingness
    }
}

/// Everything a compliance report is made from. Numbers come from the trails and the ledger,
/// never from the report's own arithmetic beyond sums.
public struct ComplianceReportInput: Sendable {
    public var study: String
    public var site: String
    public var siteTrail: AuditLog
    public var coordinatorTrail: AuditLog?
    public var policy: SitePolicy?
    public var approvals: PlanApprovals?
    public var plan: TrainingPlan?
    public var privacy: PrivacyBudgetSnapshot?
    public var quality: DataQualitySummary?
    public var generatedAt: Date

    public init(study: String, site: String, siteTrail: AuditLog, coordinatorTrail: AuditLog? = nil, policy: SitePolicy? = nil,
                approvals: PlanApprovals? = nil, plan: TrainingPlan? = nil, privacy: PrivacyBudgetSnapshot? = nil,
                quality: DataQualitySummary? = nil, generatedAt: Date = Date()) {
        self.study = study
        self.site = site
        self.siteTrail = siteTrail
        self.coordinatorTrail = coordinatorTrail
        self.policy = policy
        self.approvals = approvals
        self.plan = plan
        self.privacy = privacy
        self.quality = quality
        self.generatedAt = generatedAt
    }
}
