import Foundation

/// A study's compliance record, assembled from the audit trails (the coordinator's and one per
/// site), the approvals, the privacy ledger and the quality summary: the content of the HTML
/// page and of its JSON twin, as values a test can compare with the study's own records.
///
/// One site's report is the same thing with one site trail; the policy, approvals, ledger and
/// quality summary always describe one site (`site`), since they are that site's own files.
public struct ComplianceReport: Sendable {
    public struct Participant: Hashable, Sendable {
        public var name: String
        public var role: String
        public var publicKey: String?
        public var certificateFingerprint: String?
    }

    /// What left a site in one round.
    public struct RoundRow: Hashable, Sendable {
        public var site: String
        public var round: Int
        public var time: String
        public var rows: Int
        public var bytes: Int
        public var payloadSHA256: String
        /// A sealed answer: the update left masked through the secure sum.
        public var secureAggregation: Bool
        public var privacy: UpdatePrivacy?
        /// Epsilon after the round from the privacy ledger, when one was given.
        public var ledgerEpsilon: Double?
        /// What the coordinator's trail says of this round's answer (nil: no record, or no
        /// coordinator trail given).
        public var coordinatorVerdict: Decision.Outcome?

        /// The site's cumulative epsilon after the round: as logged when the update left,
        /// else as the ledger has it.
        public var epsilon: Double? { privacy?.epsilonAfter ?? ledgerEpsilon }
    }

    public struct Incident: Hashable, Sendable {
        public var site: String
        public var round: Int?
        public var time: String
        /// refused (by the site's policy), rejected, failed, quarantined.
        public var kind: String
        public var reason: String
    }

    public struct TrailCheck: Hashable, Sendable {
        public var name: String
        public var path: String
        public var verification: AuditVerification
    }

    public var study: String
    /// The site whose policy, approvals, ledger and quality summary were given.
    public var site: String?
    public var generatedAt: Date
    public var participants: [Participant]
    public var planHash: String?
    public var plan: TrainingPlan?
    public var policy: SitePolicy?
    /// Every site whose trail was given, in the order given.
    public var sites: [SiteActivity]
    /// Sites the coordinator's trail names whose own trails were not given: what left them is
    /// not in this report.
    public var sitesWithoutTrail: [String]
    public var trails: [TrailCheck]
    public var privacy: PrivacyBudgetSnapshot?
    public var quality: DataQualitySummary?
    public var safeguards: [HIPAASafeguard]

    /// Every update sent, site by site.
    public var rounds: [RoundRow] { sites.flatMap(\.updates) }
    public var incidents: [Incident] { sites.flatMap(\.incidents) }
    public var approvals: [PlanApproval] { sites.flatMap(\.approvals) }
    public var totalBytes: Int { sites.map(\.totalBytes).reduce(0, +) }
    /// The highest epsilon any site reached in this study (the site's own, for one site).
    public var finalEpsilon: Double? { sites.compactMap(\.finalEpsilon).max() }
    public var epsilonBudget: Double? { policy?.differentialPrivacy?.maxEpsilon ?? privacy?.maxEpsilon }
    public var budgetDelta: Double? { policy?.differentialPrivacy?.delta ?? privacy?.delta }
    public var allTrailsIntact: Bool { trails.allSatisfy { $0.verification.isIntact } }
    public var damagedTrails: [TrailCheck] { trails.filter { !$0.verification.isIntact } }

    public init(_ input: ComplianceReportInput) {
        study = input.study
        site = input.site
        generatedAt = input.generatedAt
        policy = input.policy
        privacy = input.privacy
        quality = input.quality
        plan = input.plan

        let inStudy = { (entry: AuditEntry) in entry.event.study == nil || entry.event.study == input.study }
        let siteEntries = input.siteTrails.map { $0.log.entries.filter(inStudy) }
        let coordinatorEntries = (input.coordinatorTrail?.entries ?? []).filter(inStudy)

        var participants: [Participant] = []
        for trail in [input.coordinatorTrail].compactMap({ $0 }) + input.siteTrails.map(\.log) {
            let v = trail.verification
            if let name = v.participant {
                participants.append(
                    Participant(name: name, role: v.role?.rawValue ?? "?", publicKey: v.publicKey, certificateFingerprint: v.certificateFingerprint))
            }
        }
        var joined: [String] = []
        for entry in coordinatorEntries {
            if case .siteJoined(_, let name, let key, let fingerprint) = entry.event {
                if !joined.contains(name) { joined.append(name) }
                if !participants.contains(where: { $0.name == name }) {
                    participants.append(Participant(name: name, role: "site", publicKey: key, certificateFingerprint: fingerprint))
                }
            }
        }
        self.participants = participants

        var planHash = input.plan?.planHash
        for entry in siteEntries.joined() + coordinatorEntries where planHash == nil {
            switch entry.event {
            case .instructionsReceived(let i): planHash = i.planHash
            case .studyCreated(_, let hash, _): planHash = hash
            default: break
            }
        }
        self.planHash = planHash

        let ledger = Dictionary(
            (input.privacy?.rounds ?? []).filter { $0.study == input.study }.map { ($0.round, $0.epsilon) },
            uniquingKeysWith: { _, last in last })
        let givenApprovals = (input.approvals?.approvals ?? []).filter { $0.study == input.study && (planHash == nil || $0.planHash == planHash) }
        sites = zip(input.siteTrails, siteEntries).map { trail, entries in
            let described = trail.name == input.site
            return Self.activity(
                of: trail.name, trail: trail.log.path, siteEntries: entries, coordinatorEntries: coordinatorEntries,
                ledger: described ? ledger : [:], approvals: described ? givenApprovals : [], planHash: planHash)
        }
        let named = Set(input.siteTrails.map(\.name))
        sitesWithoutTrail = joined.filter { !named.contains($0) }

        var trails = input.siteTrails.map { TrailCheck(name: "\($0.name) (site)", path: $0.log.path, verification: $0.log.verification) }
        if let coordinator = input.coordinatorTrail {
            trails.append(
                TrailCheck(
                    name: "\(coordinator.verification.participant ?? "coordinator") (coordinator)", path: coordinator.path,
                    verification: coordinator.verification))
        }
        if let approvalsTrail = input.approvals, approvalsTrail.verification.entries > 0 {
            trails.append(TrailCheck(name: "plan approvals of \(input.site ?? "the site")", path: "approvals.jsonl", verification: approvalsTrail.verification))
        }
        self.trails = trails
        safeguards = []
        safeguards = HIPAASafeguard.assess(self)
    }
}
