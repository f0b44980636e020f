import Learning

/// A site that did not contribute to a round, and why.
public struct SiteFailure: Hashable, Sendable, Codable {
    public var site: SiteID
    public var reason: String

    public init(site: SiteID, reason: String) {
        self.site = site
        self.reason = reason
    }
}

/// Test metrics after a round: per site, their averages, and any central test sets.
public struct RoundEvaluation: Hashable, Sendable, Codable {
    public var sites: [EvaluationReport]
    /// Unweighted mean of the sites' accuracies (FLamby's "average of the clients").
    public var averageAccuracy: Double
    /// Accuracy over the union of the sites' test sets (mean weighted by test size).
    public var weightedAccuracy: Double
    /// Metrics on test sets the coordinator holds, e.g. FLamby's pooled test.
    public var central: [String: EvaluationMetrics]
    public var failures: [SiteFailure]

    public init(sites: [EvaluationReport], central: [String: EvaluationMetrics], failures: [SiteFailure]) {
        self.sites = sites.sorted { $0.site < $1.site }
        self.central = central
        self.failures = failures
        averageAccuracy = sites.isEmpty ? 0 : sites.map(\.metrics.accuracy).reduce(0, +) / Double(sites.count)
        let total = sites.map(\.metrics.count).reduce(0, +)
        weightedAccuracy = total == 0 ? 0 : sites.map { $0.metrics.accuracy * Double($0.metrics.count) }.reduce(0, +) / Double(total)
    }
}

/// What happened in one round, for progress output, run.json and (later) the audit trail.
public struct RoundRecord: Hashable, Sendable, Codable {
    public var round: Int
    public var participants: [SiteID]
    public var contributors: [SiteID]
    /// Sites still working when the deadline passed.
    public var stragglers: [SiteID]
    public var failures: [SiteFailure]
    public var rejections: [SiteFailure]
    /// False when fewer than the minimum number of sites contributed; the model did not move.
    public var accepted: Bool
    public var meanTrainingLoss: Double?
    public var seconds: Double
    public var evaluation: RoundEvaluation?
    /// Per-site anomaly scores, when a monitor watches the study.
    public var anomalies: [SiteAnomaly] = []
    /// Sites quarantined at the end of this round.
    public var quarantined: [SiteID] = []
    /// What each contributor's DP-SGD round cost it, as the site reported.
    public var privacy: [SitePrivacy] = []
    /// The coordinator's own trouble with the round (too few sites, a failed aggregation),
    /// never filed under a site.
    public var problems: [RoundProblem] = []
    /// The trail head each site's update carried (sites that keep a trail), for the
    /// coordinator's trail.
    public var witnessed: [WitnessedHead] = []
}

extension RoundRecord {
    /// Fields added after the first release default to empty, so a coordinator resumes from a
    /// checkpoint an earlier version wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        round = try container.decode(Int.self, forKey: .round)
        participants = try container.decode([SiteID].self, forKey: .participants)
        contributors = try container.decode([SiteID].self, forKey: .contributors)
        stragglers = try container.decode([SiteID].self, forKey: .stragglers)
        failures = try container.decode([SiteFailure].self, forKey: .failures)
        rejections = try container.decode([SiteFailure].self, forKey: .rejections)
        accepted = try container.decode(Bool.self, forKey: .accepted)
        meanTrainingLoss = try container.decodeIfPresent(Double.self, forKey: .meanTrainingLoss)
        seconds = try container.decode(Double.self, forKey: .seconds)
        evaluation = try container.decodeIfPresent(RoundEvaluation.self, forKey: .evaluation)
        anomalies = try container.decodeIfPresent([SiteAnomaly].self, forKey: .anomalies) ?? []
        quarantined = try container.decodeIfPresent([SiteID].self, forKey: .quarantined) ?? []
        privacy = try container.decodeIfPresent([SitePrivacy].self, forKey: .privacy) ?? []
        problems = try container.decodeIfPresent([RoundProblem].self, forKey: .problems) ?? []
        witnessed = try container.decodeIfPresent([WitnessedHead].self, forKey: .witnessed) ?? []
    }
}

/// One site's privacy spend in one round.
public struct SitePrivacy: Hashable, Sendable, Codable {
    public var site: SiteID
    public var spend: PrivacySpend
    /// The site's cumulative epsilon after the round (nil when it keeps no ledger).
    public var cumulativeEpsilon: Double?
}

/// One site's anomaly score in one round.
public struct SiteAnomaly: Hashable, Sendable, Codable {
    public var site: SiteID
    public var evidence: AnomalyEvidence
}

/// Progress notifications while a study runs.
public enum StudyEvent: Sendable {
    case roundStarted(round: Int, participants: [SiteID])
    case updateRejected(round: Int, SiteFailure)
    case siteFailed(round: Int, SiteFailure)
    case roundFinished(RoundRecord)
    case siteQuarantined(QuarantineEvent)
}

/// The result of a whole study.
public struct StudyOutcome: Sendable {
    public var strategy: String
    public var rounds: [RoundRecord]
    public var finalParameters: [Float]
    public var layout: ParameterLayout

    /// The last evaluation of the study (after the final round).
    public var finalEvaluation: RoundEvaluation? { rounds.last { $0.evaluation != nil }?.evaluation }
}
