import Federation
import Foundation

/// The compliance report's machine-readable twin: the same content as the HTML page, so
/// scripts and tests check a report without scraping it. The contract (docs/compliance-report.md)
/// is versioned by `format`; keys are snake_case, and a key whose value is unknown is left out.
public enum ComplianceReportJSON {
    public static let format = "cohort-compliance-report/1"

    /// The document, pretty-printed with sorted keys (stable to diff and to hash).
    public static func encode(_ report: ComplianceReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .cohortStrings
        return try encoder.encode(Document(report))
    }

    struct Document: Encodable {
        var format = ComplianceReportJSON.format
        var study: String
        var generatedAt: String
        var site: String?
        var allTrailsIntact: Bool
        var planHash: String?
        var totalBytes: Int
        var highestEpsilon: Double?
        var epsilonBudget: Double?
        var participants: [Participant]
        var sites: [Site]
        var sitesWithoutTrail: [String]
        var trails: [Trail]
        var quality: DataQualitySummary?
        var safeguards: [Safeguard]

        init(_ report: ComplianceReport) {
            study = report.study
            generatedAt = AuditTimestamp.string(report.generatedAt)
            site = report.site
            allTrailsIntact = report.allTrailsIntact
            planHash = report.planHash
            totalBytes = report.totalBytes
            highestEpsilon = report.finalEpsilon
            epsilonBudget = report.epsilonBudget
            participants = report.participants.map {
                Participant(name: $0.name, role: $0.role, publicKey: $0.publicKey, certificateFingerprint: $0.certificateFingerprint)
            }
            sites = report.sites.map(Site.init)
            sitesWithoutTrail = report.sitesWithoutTrail
            trails = report.trails.map(Trail.init)
            quality = report.quality
            safeguards = report.safeguards.map { Safeguard(citation: $0.citation, title: $0.title, status: $0.status.rawValue, evidence: $0.evidence) }
        }
    }

    struct Participant: Encodable {
        var name: String
        var role: String
        var publicKey: String?
        var certificateFingerprint: String?
    }

    struct Site: Encodable {
        var name: String
        var trail: String
        var roundsAsked: [Int]
        var updates: [Update]
        var totalBytes: Int
        var finalEpsilon: Double?
        var evaluations: [Evaluation]
        var refusals: [Refusal]
        var coordinator: [Decision]
        var approvals: [Approval]

        init(_ site: ComplianceReport.SiteActivity) {
            name = site.name
            trail = site.trail
            roundsAsked = site.roundsAsked
            updates = site.updates.map(Update.init)
            totalBytes = site.totalBytes
            finalEpsilon = site.finalEpsilon
            evaluations = site.evaluations.map { Evaluation(round: $0.round, time: $0.time, rows: $0.rows) }
            refusals = site.refusals.map { Refusal(round: $0.round, time: $0.time, rule: $0.rule, reason: $0.reason) }
            coordinator = site.coordinatorView.map {
                Decision(round: $0.round, time: $0.time, outcome: $0.outcome.rawValue, reason: $0.reason, epsilon: $0.epsilon)
            }
            approvals = site.approvals.map {
                Approval(planHash: $0.planHash, approvedBy: $0.approvedBy, approvedAt: AuditTimestamp.string($0.approvedAt), note: $0.note, entry: $0.entry)
            }
        }
    }

    struct Update: Encodable {
        struct DP: Encodable {
            var noiseMultiplier: Double
            var samplingRate: Double
            var steps: Int
            var clipNorm: Double?
            var delta: Double?
        }

        var round: Int
        var time: String
        var rows: Int
        var bytes: Int
        var payloadSha256: String
        var secureAggregation: Bool
        var dp: DP?
        var epsilonAfter: Double?
        var coordinator: String?

        init(_ row: ComplianceReport.RoundRow) {
            round = row.round
            time = row.time
            rows = row.rows
            bytes = row.bytes
            payloadSha256 = row.payloadSHA256
            secureAggregation = row.secureAggregation
            dp = row.privacy.map {
                DP(noiseMultiplier: $0.noiseMultiplier, samplingRate: $0.samplingRate, steps: $0.steps, clipNorm: $0.clipNorm, delta: $0.delta)
            }
            epsilonAfter = row.epsilon
            coordinator = row.coordinatorVerdict?.rawValue
        }
    }

    struct Evaluation: Encodable {
        var round: Int
        var time: String
        var rows: Int
    }

    struct Refusal: Encodable {
        var round: Int
        var time: String
        var rule: String
        var reason: String
    }

    struct Decision: Encodable {
        var round: Int?
        var time: String
        var outcome: String
        var reason: String?
        var epsilon: Double?
    }

    struct Approval: Encodable {
        var planHash: String
        var approvedBy: String
        var approvedAt: String
        var note: String?
        var entry: Int
    }

    struct Trail: Encodable {
        var name: String
        var path: String
        var participant: String?
        var role: String?
        var intact: Bool
        var entries: Int
        var verifiedEntries: Int
        var keyPinned: Bool
        var head: String?
        var firstDamagedEntry: Int?
        var damage: String?
        var reason: String?

        init(_ trail: ComplianceReport.TrailCheck) {
            let v = trail.verification
            name = trail.name
            path = trail.path
            participant = v.participant
            role = v.role?.rawValue
            intact = v.isIntact
            entries = v.entries
            verifiedEntries = v.verifiedEntries
            keyPinned = v.keyPinned
            head = v.head?.description
            firstDamagedEntry = v.damage?.entry
            damage = v.damage?.kind.rawValue
            reason = v.damage?.reason
        }
    }

    struct Safeguard: Encodable {
        var citation: String
        var title: String
        var status: String
        var evidence: String
    }
}
