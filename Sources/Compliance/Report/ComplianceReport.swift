import Foundation

/// A study's compliance record for one site, assembled from the audit trails, the approvals,
/// the privacy ledger and the quality summary: the content of the HTML page, as values a test
/// can compare with the study's own records.
public struct ComplianceReport: Sendable {
    public struct Participant: Hashable, Sendable {
        public var name: String
        public var role: String
        public var publicKey: String?
        public var certificateFingerprint: String?
    }

    /// What left the site in one round.
    public struct RoundRow: Hashable, Sendable {
        public var round: Int
        public var time: String
        public var rows: Int
        public var bytes: Int
        public var payloadSHA256: String
        public var secureAggregation: Bool
        public var privacy: UpdatePrivacy?
        /// Epsilon after the round from the privacy ledger, when one was given.
        public var ledgerEpsilon: Double?
    }

    public struct Incident: Hashable, Sendable {
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
    public var site: String
    public var generatedAt: Date
    public var participants: [Participant]
    public var planHash: String?
    public var plan: TrainingPlan?
    public var approvals: [PlanApproval]
    public var policy: SitePolicy?
    public var rounds: [RoundRow]
    public var incidents: [Incident]
    public var trails: [TrailCheck]
    public var privacy: PrivacyBudgetSnapshot?
    public var quality: DataQualitySummary?
    public var safeguards: [HIPAASafeguard]

    public var totalBytes: Int { rounds.map(\.bytes).reduce(0, +) }
    /// The site's epsilon after its last round in this study.
    public var finalEpsilon: Double? { rounds.last { $0.privacy?.epsilonAfter != nil }?.privacy?.epsilonAfter }
    public var epsilonBudget: Double? { policy?.differentialPrivacy?.maxEpsilon ?? privacy?.maxEpsilon }
    public var budgetDelta: Double? { policy?.differentialPrivacy?.delta ?? privacy?.delta }
    public var allTrailsIntact: Bool { trails.allSatisfy { $0.verification.isIntact } }

    public init(_ input: ComplianceReportInput) {
        study = input.study
        site = input.site
        generatedAt = input.generatedAt
        policy = input.policy
        privacy = input.privacy
        quality = input.quality
        plan = input.plan

        let siteEntries = input.siteTrail.entries.filter { $0.event.study == nil || $0.event.study == input.study }
        let coordinatorEntries = (input.coordinatorTrail?.entries ?? []).filter { $0.event.study == nil || $0.event.study == input.study }

        var participants: [Participant] = []
        for trail in [input.coordinatorTrail, input.siteTrail].compactMap({ $0 }) {
            let v = trail.verification
            if let name = v.participant {
                participants.append(Participant(name: name, role: v.role?.rawValue ?? "?", publicKey: v.publicKey, certificateFingerprint: v.certificateFingerprint))
            }
        }
        for entry in coordinatorEntries {
            if case .siteJoined(_, let name, let key, let fingerprint) = entry.event, !participants.contains(where: { $0.name == name }) {
                participants.append(Participant(name: name, role: "site", publicKey: key, certificateFingerprint: fingerprint))
            }
        }
        self.participants = participants

        var planHash = input.plan?.planHash
        for entry in siteEntries + coordinatorEntries where planHash == nil {
            switch entry.event {
            case .instructionsReceived(let i): planHash = i.planHash
            case .studyCreated(_, let hash, _): planHash = hash
            default: break
            }
        }
        self.planHash = planHash
        var approvals = (input.approvals?.approvals ?? []).filter { $0.study == input.study && (planHash == nil || $0.planHash == planHash) }
        for entry in siteEntries {
            if case .planApproved(let study, let hash, let by, let note) = entry.event, hash == planHash,
               !approvals.contains(where: { $0.planHash == hash && $0.approvedBy == by }) {
                approvals.append(PlanApproval(study: study, planHash: hash, approvedBy: by, approvedAt: entry.time, note: note, entry: entry.sequence))
            }
        }
        self.approvals = approvals

        let ledger = Dictionary((input.privacy?.rounds ?? []).filter { $0.study == input.study }.map { ($0.round, $0.epsilon) },
                                uniquingKeysWith: { _, last in last })
        rounds = siteEntries.compactMap { entry in
            guard case .updateSent(let sent) = entry.event, sent.site == input.site else { return nil }
            return RoundRow(round: sent.round, time: entry.timestamp, rows: sent.rows, bytes: sent.bytes, payloadSHA256: sent.payloadSHA256,
                            secureAggregation: sent.secureAggregation, privacy: sent.privacy, ledgerEpsilon: ledger[sent.round])
        }

        var incidents: [Incident] = []
        for entry in siteEntries {
            if case .updateRefused(_, let round, let site, let rule, let reason) = entry.event, site == input.site {
                incidents.append(Incident(round: round, time: entry.timestamp, kind: "refused by site policy (\(rule))", reason: reason))
            }
        }
        for entry in coordinatorEntries where entry.event.site == input.site {
            switch entry.event {
            case .updateRejected(_, let round, _, let reason):
                incidents.append(Incident(round: round, time: entry.timestamp, kind: "rejected by coordinator", reason: reason))
            case .siteFailed(_, let round, _, let reason):
                incidents.append(Incident(round: round, time: entry.timestamp, kind: "failed", reason: reason))
            case .siteQuarantined(_, let round, _, let reason):
                incidents.append(Incident(round: round, time: entry.timestamp, kind: "quarantined", reason: reason))
            case .siteReinstated(_, _, let by):
                incidents.append(Incident(round: nil, time: entry.timestamp, kind: "reinstated", reason: "by \(by)"))
            default: break
            }
        }
        self.incidents = incidents

        var trails = [TrailCheck(name: "\(input.site) (site)", path: input.siteTrail.path, verification: input.siteTrail.verification)]
        if let coordinator = input.coordinatorTrail {
            trails.append(TrailCheck(name: "\(coordinator.verification.participant ?? "coordinator") (coordinator)", path: coordinator.path,
                                     verification: coordinator.verification))
        }
        if let approvalsTrail = input.approvals, approvalsTrail.verification.entries > 0 {
            trails.append(TrailCheck(name: "plan approvals of \(input.site)", path: "approvals", verification: approvalsTrail.verification))
        }
        self.trails = trails
        safeguards = []
        safeguards = HIPAASafeguard.assess(self)
    }
}
