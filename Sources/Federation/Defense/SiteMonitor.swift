/// What the coordinator measured about one update when it arrived.
public struct UpdateObservation: Hashable, Sendable, Codable {
    public var site: SiteID
    public var norm: Double
    /// Cosine to the previous round's aggregate change; nil in the first round.
    public var cosineToPreviousAggregate: Double?
}

/// The evidence behind a site's anomaly score in one round.
public struct AnomalyEvidence: Hashable, Sendable, Codable {
    public var round: Int
    public var norm: Double
    public var cosineToPreviousAggregate: Double?
    /// Modified z-scores (Iglewicz & Hoaglin 1993) against the round's other updates.
    public var normScore: Double
    public var directionScore: Double
    public var score: Double { max(normScore, directionScore) }
}

/// A site taken out of the study, and why.
public struct QuarantineEvent: Hashable, Sendable, Codable {
    public var site: SiteID
    public var round: Int
    public var evidence: [AnomalyEvidence]
}

/// Watches every site's updates round after round and quarantines a site whose updates
/// stand out for `rounds` consecutive rounds.
///
/// Each round, an update's norm and its cosine to the previous aggregate are compared with
/// the round's other updates by modified z-score, M = 0.6745 (x - median) / MAD, which a
/// minority of outliers cannot mask the way a mean and standard deviation can. Norms are
/// judged two-sided (too large or suspiciously small), direction one-sided (pointing away
/// from the consensus). The default threshold 3.5 is Iglewicz & Hoaglin's cut-off for
/// outliers. Requiring several consecutive rounds keeps honest non-IID sites, which are
/// occasionally unusual, out of quarantine, and so do floors on the spread (5 % of the median
/// norm, 0.1 in cosine): when honest updates agree closely, a tiny MAD would otherwise turn
/// ordinary site-to-site differences into alarms.
///
/// The direction reference is the previous aggregate, so pair the monitor with a robust rule
/// (median, trimmed mean): under plain averaging a strong attacker can capture the aggregate
/// and make honest sites look like the outliers.
public struct SiteMonitor: Sendable, Codable {
    public var threshold: Double
    public var rounds: Int
    public private(set) var streaks: [SiteID: [AnomalyEvidence]] = [:]
    public private(set) var quarantined: [SiteID: QuarantineEvent] = [:]

    /// The monitor with Iglewicz & Hoaglin's cut-off and a three-round streak.
    public init() {
        threshold = 3.5
        rounds = 3
    }

    /// `try SiteMonitor(threshold: 3.5, rounds: 2)`; a threshold that is not a positive number,
    /// or a streak under one round, is refused.
    public init(threshold: Double, rounds: Int) throws(StrategyError) {
        guard threshold > 0, threshold.isFinite else {
            throw .invalidParameter(strategy: "site monitor", key: "threshold", reason: "must be a positive number, got \(threshold)")
        }
        guard rounds >= 1 else {
            throw .invalidParameter(strategy: "site monitor", key: "rounds", reason: "must be at least 1, got \(rounds)")
        }
        self.threshold = threshold
        self.rounds = rounds
    }

    private enum CodingKeys: String, CodingKey { case threshold, rounds, streaks, quarantined }

    /// A checkpoint's monitor is checked as a new one is.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(threshold: container.decode(Double.self, forKey: .threshold), rounds: container.decode(Int.self, forKey: .rounds))
        streaks = try container.decode([SiteID: [AnomalyEvidence]].self, forKey: .streaks)
        quarantined = try container.decode([SiteID: QuarantineEvent].self, forKey: .quarantined)
    }

    /// Scores one round's observations; returns each site's evidence and any new quarantines.
    /// Sites whose updates were `rejected` (NaN, wrong shape, stale...) count as anomalous
    /// for the round: a site that keeps sending broken updates is quarantined like one whose
    /// updates stand out.
    public mutating func record(
        round: Int, _ observations: [UpdateObservation],
        rejected: [SiteID] = []
    ) -> (evidence: [SiteID: AnomalyEvidence], quarantined: [QuarantineEvent]) {
        let norms = observations.map(\.norm)
        let cosines = observations.compactMap(\.cosineToPreviousAggregate)
        var evidence: [SiteID: AnomalyEvidence] = [:]
        var newlyQuarantined: [QuarantineEvent] = []
        for observation in observations {
            let normFloor = 0.05 * SiteMonitor.median(norms)
            let normScore = abs(SiteMonitor.modifiedZ(observation.norm, among: norms, minimumSpread: normFloor))
            let directionScore =
                observation.cosineToPreviousAggregate.map {
                    max(0, -SiteMonitor.modifiedZ($0, among: cosines, minimumSpread: 0.1))
                } ?? 0
            let item = AnomalyEvidence(
                round: round, norm: observation.norm,
                cosineToPreviousAggregate: observation.cosineToPreviousAggregate,
                normScore: normScore, directionScore: directionScore)
            evidence[observation.site] = item
            if item.score > threshold {
                streaks[observation.site, default: []].append(item)
                if streaks[observation.site]!.count >= rounds, quarantined[observation.site] == nil {
                    let event = QuarantineEvent(site: observation.site, round: round, evidence: streaks[observation.site]!)
                    quarantined[observation.site] = event
                    newlyQuarantined.append(event)
                }
            } else {
                streaks[observation.site] = nil
            }
        }
        for site in rejected where evidence[site] == nil {
            let item = AnomalyEvidence(
                round: round, norm: .nan, cosineToPreviousAggregate: nil,
                normScore: .infinity, directionScore: 0)
            evidence[site] = item
            streaks[site, default: []].append(item)
            if streaks[site]!.count >= rounds, quarantined[site] == nil {
                let event = QuarantineEvent(site: site, round: round, evidence: streaks[site]!)
                quarantined[site] = event
                newlyQuarantined.append(event)
            }
        }
        return (evidence, newlyQuarantined)
    }

    /// An operator's decision to let a quarantined site back in; its history starts afresh.
    public mutating func reinstate(_ site: SiteID) -> Bool {
        streaks[site] = nil
        return quarantined.removeValue(forKey: site) != nil
    }

    public func isQuarantined(_ site: SiteID) -> Bool { quarantined[site] != nil }

    /// 0.6745 (x - median) / max(MAD, minimumSpread); 0 when nothing varies.
    static func modifiedZ(_ value: Double, among values: [Double], minimumSpread: Double = 0) -> Double {
        guard values.count >= 3 else { return 0 }
        let median = SiteMonitor.median(values)
        let spread = max(SiteMonitor.median(values.map { abs($0 - median) }), minimumSpread)
        return spread > 0 ? 0.6745 * (value - median) / spread : 0
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
