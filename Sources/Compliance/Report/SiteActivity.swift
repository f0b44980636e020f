extension ComplianceReport {
    /// One site's part in a study, from its own trail (what it was asked, what it sent, what
    /// its policy refused, what its steward approved) and from the coordinator's trail (what
    /// the coordinator made of each answer). The two are kept apart, and each sent update
    /// carries the coordinator's verdict on its round, so a reader can reconcile them.
    public struct SiteActivity: Hashable, Sendable {
        public var name: String
        /// The path of the site's trail, as given.
        public var trail: String
        /// Rounds for which the site logged the coordinator's instructions.
        public var roundsAsked: [Int]
        /// Every update (or sealed answer, under secure aggregation) that left the site.
        public var updates: [RoundRow]
        /// Evaluations of the global model the site sent (aggregate metrics only).
        public var evaluations: [Evaluation]
        /// Rounds the site's policy refused, with the rule and reason.
        public var refusals: [Refusal]
        /// The coordinator's record of this site: accepted, rejected, failed, quarantined, ...
        public var coordinatorView: [Decision]
        /// The steward's approvals of the study's plan at this site.
        public var approvals: [PlanApproval]

        public var totalBytes: Int { updates.map(\.bytes).reduce(0, +) }
        /// The site's epsilon after its last private round in this study.
        public var finalEpsilon: Double? { updates.last { $0.epsilon != nil }?.epsilon }

        /// Refusals and every coordinator decision other than an acceptance, in that order.
        public var incidents: [Incident] {
            refusals.map { Incident(site: name, round: $0.round, time: $0.time, kind: "refused by site policy (\($0.rule))", reason: $0.reason) }
                + coordinatorView.compactMap { decision in
                    decision.outcome.incidentKind.map {
                        Incident(site: name, round: decision.round, time: decision.time, kind: $0, reason: decision.reason ?? "")
                    }
                }
        }
    }

    /// An evaluation a site sent: aggregate metrics of the round's model on `rows` test rows.
    public struct Evaluation: Hashable, Sendable {
        public var round: Int
        public var time: String
        public var rows: Int
    }

    /// A round the site's policy refused to run or to answer.
    public struct Refusal: Hashable, Sendable {
        public var round: Int
        public var time: String
        public var rule: String
        public var reason: String
    }

    /// What the coordinator's trail records about one site.
    public struct Decision: Hashable, Sendable {
        public enum Outcome: String, Hashable, Sendable {
            case accepted, rejected, failed, quarantined, reinstated, left

            /// How the incidents table names it; nil for an acceptance, which is no incident.
            var incidentKind: String? {
                switch self {
                case .accepted: nil
                case .rejected: "rejected by coordinator"
                case .failed: "failed"
                case .quarantined: "quarantined"
                case .reinstated: "reinstated"
                case .left: "left the study"
                }
            }

            /// Whether the outcome is the coordinator's verdict on a round's answer.
            var judgesAnswer: Bool { self == .accepted || self == .rejected || self == .failed }
        }

        public var round: Int?
        public var time: String
        public var outcome: Outcome
        public var reason: String?
        /// The site's epsilon as the coordinator recorded it with an accepted update.
        public var epsilon: Double?
    }

    /// Reads one site's activity from its trail's entries and the coordinator's entries about it.
    /// `ledger` gives epsilon per round when the site's privacy ledger was supplied.
    static func activity(
        of site: String, trail: String, siteEntries: [AuditEntry], coordinatorEntries: [AuditEntry],
        ledger: [Int: Double], approvals given: [PlanApproval], planHash: String?
    ) -> SiteActivity {
        var coordinatorView: [Decision] = []
        for entry in coordinatorEntries where entry.event.site == site {
            let time = entry.timestamp
            switch entry.event {
            case .updateAccepted(_, let round, _, _, let epsilon):
                coordinatorView.append(Decision(round: round, time: time, outcome: .accepted, epsilon: epsilon))
            case .updateRejected(_, let round, _, let reason):
                coordinatorView.append(Decision(round: round, time: time, outcome: .rejected, reason: reason))
            case .siteFailed(_, let round, _, let reason):
                coordinatorView.append(Decision(round: round, time: time, outcome: .failed, reason: reason))
            case .siteQuarantined(_, let round, _, let reason):
                coordinatorView.append(Decision(round: round, time: time, outcome: .quarantined, reason: reason))
            case .siteReinstated(_, _, let by):
                coordinatorView.append(Decision(time: time, outcome: .reinstated, reason: "by \(by)"))
            case .siteLeft(_, _, let reason):
                coordinatorView.append(Decision(time: time, outcome: .left, reason: reason))
            default: break
            }
        }
        let verdicts = Dictionary(
            coordinatorView.filter(\.outcome.judgesAnswer).compactMap { decision in decision.round.map { ($0, decision.outcome) } },
            uniquingKeysWith: { _, last in last })

        var roundsAsked: [Int] = [], updates: [RoundRow] = [], evaluations: [Evaluation] = [], refusals: [Refusal] = []
        var approvals = given
        for entry in siteEntries {
            switch entry.event {
            case .instructionsReceived(let instructions) where instructions.site == site:
                roundsAsked.append(instructions.round)
            case .updateSent(let sent) where sent.site == site:
                updates.append(
                    RoundRow(
                        site: site, round: sent.round, time: entry.timestamp, rows: sent.rows, bytes: sent.bytes,
                        payloadSHA256: sent.payloadSHA256, secureAggregation: sent.secureAggregation, privacy: sent.privacy,
                        ledgerEpsilon: ledger[sent.round], coordinatorVerdict: verdicts[sent.round]))
            case .evaluationSent(_, let round, let evaluatingSite, let rows) where evaluatingSite == site:
                evaluations.append(Evaluation(round: round, time: entry.timestamp, rows: rows))
            case .updateRefused(_, let round, let refusingSite, let rule, let reason) where refusingSite == site:
                refusals.append(Refusal(round: round, time: entry.timestamp, rule: rule, reason: reason))
            case .planApproved(let study, let hash, let by, let note) where hash == planHash:
                if !approvals.contains(where: { $0.planHash == hash && $0.approvedBy == by }) {
                    approvals.append(PlanApproval(study: study, planHash: hash, approvedBy: by, approvedAt: entry.time, note: note, entry: entry.sequence))
                }
            default: break
            }
        }
        return SiteActivity(
            name: site, trail: trail, roundsAsked: roundsAsked, updates: updates, evaluations: evaluations, refusals: refusals,
            coordinatorView: coordinatorView, approvals: approvals)
    }
}
