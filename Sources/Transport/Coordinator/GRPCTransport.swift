import Federation
import Foundation
import Synchronization

/// Federation's `Transport` over the deployment's gRPC service: the coordinator asks, the
/// question is queued for the site's control channel (sites dial out, so the coordinator
/// never connects to them), and the answer comes back through the site's own RPCs.
public final class GRPCTransport: Transport, SecureExchanging {
    let switchboard: Switchboard
    private let study: StudyDescription
    private let limits: ProtocolLimits
    private let minimumSites: Int
    private let deadlineSeconds: Double
    private let checksums = PayloadChecksums()
    private let log: EventLog
    private let expectedSites: [SiteID]
    /// The first round after a start waits for every expected site (up to `siteWaitSeconds`);
    /// later rounds only give reconnecting sites `rejoinGraceSeconds`.
    private let started = Mutex(false)
    /// The round whose training was asked last: secure-aggregation stages belong to it.

    init(
        switchboard: Switchboard, study: StudyDescription, limits: ProtocolLimits, minimumSites: Int,
        expectedSites: [SiteID], deadlineSeconds: Double, log: EventLog
    ) {
        self.expectedSites = expectedSites
        self.switchboard = switchboard
        self.study = study
        self.limits = limits
        self.minimumSites = minimumSites
        self.deadlineSeconds = deadlineSeconds
        self.log = log
    }

    /// Live sites. A round waits until every site it knows of (the study's list, and sites
    /// seen before) is connected, but never longer than: `siteWaitSeconds` for the first
    /// round after a start, and `rejoinGraceSeconds` for later rounds once the minimum is
    /// there. Sites still away are left out of this round and join the next.
    public func availableSites() async -> [SiteID] {
        let clock = ContinuousClock()
        let start = clock.now
        let first = started.withLock { value in
            defer { value = true }
            return !value
        }
        let grace = first ? limits.siteWaitSeconds : limits.rejoinGraceSeconds
        var announcedWait = false
        while true {
            let live = await switchboard.liveSites()
            let known = Set(await switchboard.knownSites()).union(expectedSites)
            let waited = (clock.now - start).inSeconds
            if Set(live).isSuperset(of: known) && live.count >= minimumSites { return live }
            if live.count >= minimumSites && waited >= grace { return live }
            if waited >= limits.siteWaitSeconds {
                log.warning("too-few-sites", ["live": "\(live.count)", "needed": "\(minimumSites)", "waited_seconds": String(format: "%.1f", waited)])
                return live
            }
            if !announcedWait && waited >= 1 {
                log.info("waiting-for-sites", ["live": live.map(\.name).joined(separator: ","), "needed": "\(minimumSites)"])
                announcedWait = true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    public func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        var vectors = [TaskVector(kind: .globalParameters, values: request.globalParameters)]
        var instructions = request.instructions
        if let call = instructions.algorithm {
            // The algorithm's vectors follow the model in the download; the offer names them.
            for name in call.vectors.keys.sorted() { vectors.append(TaskVector(kind: name, values: call.vectors[name]!)) }
            instructions.algorithm?.vectors = [:]
        }
        let answer = try await ask(
            site, kind: .train, study: request.study, round: request.round,
            parameterCount: request.globalParameters.count, vectors: vectors,
            instructions: instructions, deadline: ContinuousClock.now.advanced(by: .seconds(deadlineSeconds)),
            sealed: request.sealed, expectedVectors: request.answerVectors,
            coordinatorTrailHead: request.coordinatorTrailHead)
        guard case .update(let received) = answer else {
            throw SiteError.failed(site, reason: "answered a training task with an evaluation")
        }
        return received.delivered()
    }

    public func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        let answer = try await ask(
            site, kind: .evaluate, study: request.study, round: request.round,
            parameterCount: request.globalParameters.count,
            vectors: [TaskVector(kind: .globalParameters, values: request.globalParameters)], instructions: nil,
            deadline: ContinuousClock.now.advanced(by: .seconds(deadlineSeconds)), validationBins: request.validationBins)
        guard case .evaluation(let report) = answer else { throw SiteError.failed(site, reason: "answered an evaluation task with an update") }
        return report
    }

    /// A secure-aggregation stage as a task the site pulls, like training: the coordinator
    /// still never connects to a site.
    public func exchange(_ message: [UInt8], at site: SiteID, round: Int) async throws -> [UInt8] {
        let answer = try await ask(
            site, kind: .secureAggregation, study: study.studyID, round: round,
            parameterCount: 0, vectors: [], instructions: nil,
            deadline: ContinuousClock.now.advanced(by: .seconds(deadlineSeconds)), secureMessage: message)
        guard case .secureMessage(let bytes) = answer else {
            throw SiteError.failed(site, reason: "answered a secure-aggregation task with something else")
        }
        return bytes
    }

    private func ask(
        _ site: SiteID, kind: TaskKind, study: String, round: Int, parameterCount: Int, vectors: [TaskVector],
        instructions: TrainingInstructions?, deadline: ContinuousClock.Instant,
        sealed: Bool = false, secureMessage: [UInt8] = [], expectedVectors: [VectorDeclaration] = [],
        validationBins: Int? = nil, coordinatorTrailHead: TrailHead? = nil
    ) async throws -> TaskAnswer {
        let checksum =
            kind == .secureAggregation
            ? 0
            : await checksums.checksum(of: vectors.map(\.values), study: study, round: round, kind: kind)
        var offered = OpenTask(
            id: TaskIdentifier.make(), site: site, kind: kind, study: study, round: round,
            parameterCount: parameterCount, vectors: vectors, checksum: checksum, instructions: instructions,
            deadline: deadline)
        offered.sealed = sealed
        offered.secureMessage = secureMessage
        offered.expectedVectors = expectedVectors
        offered.validationBins = validationBins
        offered.coordinatorTrailHead = coordinatorTrailHead
        let task = offered
        let switchboard = switchboard
        await switchboard.open(task)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Task { await switchboard.wait(for: task.id, continuation: continuation) }
            }
        } onCancel: {
            Task { await switchboard.withdraw(task.id, reason: .deadlinePassed) }
        }
    }
}
