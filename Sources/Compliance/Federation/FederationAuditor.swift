import Federation
import Foundation

/// Turns the coordinator's view of a study into audit entries on the coordinator's trail.
///
/// Hand `observer` to `Coordinator.run` / `Simulation.run` to log as the study runs, or call
/// `record(_:)` with a finished study's outcome. The observer cannot throw, so a failed append
/// (a full disk) is kept and rethrown by `checkHealthy()`: call it after the study, and stop
/// trusting a study whose trail could not be written.
public final class FederationAuditor: Sendable {
    public let trail: AuditTrail
    public let study: String
    private let failures = ResultSlots<AuditError>(count: 1)

    public init(trail: AuditTrail, study: String) {
        self.trail = trail
        self.study = study
    }

    /// The trail's head, for the coordinator to send with its instructions (`Coordinator.witness`).
    public var head: TrailHead? { trail.head.trailHead }

    /// The coordinator's observer: logs every study event.
    public var observer: @Sendable (StudyEvent) -> Void {
        { [self] event in self.observe(event) }
    }

    public func observe(_ event: StudyEvent) {
        for entry in events(for: event) { log(entry) }
    }

    /// Logs a finished study round by round, for runs whose observer was not audited.
    public func record(_ outcome: StudyOutcome) {
        for round in outcome.rounds {
            for entry in events(replaying: round) { log(entry) }
        }
    }

    /// The study's set-up: its plan and the sites that joined, with their keys.
    public func studyCreated(planHash: String, coordinator: String, sites: [(name: String, publicKey: String?, certificateFingerprint: String?)]) {
        log(.studyCreated(study: study, planHash: planHash, coordinator: coordinator))
        for site in sites {
            log(.siteJoined(study: study, site: site.name, publicKey: site.publicKey, certificateFingerprint: site.certificateFingerprint))
        }
    }

    /// Throws the first append that failed, if any.
    public func checkHealthy() throws(AuditError) {
        if let failure = failures.values[0] { throw failure }
    }

    /// The entries one live event becomes. Failures and rejections arrive as their own
    /// events, so a finished round adds only what is new: accepted updates, stragglers, the
    /// coordinator's own failures, and the round's close.
    public func events(for event: StudyEvent) -> [AuditEvent] {
        switch event {
        case .roundStarted(let round, let participants):
            return [.roundStarted(study: study, round: round, participants: participants.map(\.name))]
        case .updateRejected(let round, let failure):
            return [.updateRejected(study: study, round: round, site: failure.site.name, reason: failure.reason)]
        case .siteFailed(let round, let failure):
            return [.siteFailed(study: study, round: round, site: failure.site.name, reason: failure.reason)]
        case .siteQuarantined(let quarantine):
            return [quarantined(quarantine)]
        case .roundFinished(let record):
            var entries = witnessed(record)
            entries += accepted(record)
            entries += record.stragglers.map { .siteFailed(study: study, round: record.round, site: $0.name, reason: "no update before the round deadline") }
            entries += record.problems.map { .roundProblem(study: study, round: record.round, reason: $0.description) }
            entries.append(.roundFinished(study: study, round: record.round, contributors: record.contributors.map(\.name), accepted: record.accepted))
            return entries
        @unknown default:
            return []
        }
    }

    /// Everything a round record holds, for replaying a study that ran without an observer.
    public func events(replaying record: RoundRecord) -> [AuditEvent] {
        var entries: [AuditEvent] = []
        if !record.participants.isEmpty {
            entries.append(.roundStarted(study: study, round: record.round, participants: record.participants.map(\.name)))
        }
        entries += record.rejections.map { .updateRejected(study: study, round: record.round, site: $0.site.name, reason: $0.reason) }
        entries += record.failures.map {
            .siteFailed(study: study, round: record.round, site: $0.site.name, reason: $0.reason)
        }
        entries += record.quarantined.map {
            .siteQuarantined(study: study, round: record.round, site: $0.name, reason: "anomaly score over the monitor's threshold for consecutive rounds")
        }
        return entries + events(for: .roundFinished(record))
    }

    /// The heads the sites' trails had when their updates left, and after their evaluations.
    private func witnessed(_ record: RoundRecord) -> [AuditEvent] {
        let heads =
            record.witnessed.map { ($0.site, $0.head) }
            + (record.evaluation?.sites ?? []).compactMap { report in report.trailHead.map { (report.site, $0) } }
        return heads.map { site, head in
            .trailWitnessed(study: study, round: record.round, participant: site.name, sequence: head.sequence, entryHash: head.entryHash)
        }
    }

    private func accepted(_ record: RoundRecord) -> [AuditEvent] {
        let epsilon = Dictionary(record.privacy.map { ($0.site, $0.cumulativeEpsilon) }, uniquingKeysWith: { first, _ in first })
        return record.contributors.map { site in
            .updateAccepted(study: study, round: record.round, site: site.name, rows: nil, epsilon: epsilon[site] ?? nil)
        }
    }

    private func quarantined(_ event: QuarantineEvent) -> AuditEvent {
        let worst = event.evidence.map(\.score).max() ?? 0
        let reason =
            "anomaly score over the threshold in \(event.evidence.count) consecutive rounds (highest \(CanonicalJSON.number((worst * 100).rounded() / 100)))"
        return .siteQuarantined(study: study, round: event.round, site: event.site.name, reason: reason)
    }

    private func log(_ event: AuditEvent) {
        do { try trail.append(event) } catch {
            if failures.values[0] == nil { failures.set(0, error) }
        }
    }
}
