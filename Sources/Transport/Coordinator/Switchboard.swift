import Federation
import Foundation
import X509

/// The coordinator's view of its sites: who is connected (their control channels), who is
/// alive (heartbeats), and which tasks are out with whom. The transport asks it to offer
/// work and waits for the answer; the RPC handlers hand it sessions, heartbeats and answers.
///
/// A site that disconnects keeps its open tasks for a while: if it comes back in time it is
/// offered them again (sites answer a repeated question with the same bits); if it stays
/// silent past the heartbeat limit it is declared dead and its tasks fail at once, so no
/// round waits for an offline site until its deadline.
actor Switchboard {
    typealias Outbound = AsyncStream<Cohort_Deployment_V1_CoordinatorMessage>.Continuation

    private struct Session {
        let token: UInt64
        let outbound: Outbound
        let data: DataSummary
    }

    private var sessions: [SiteID: Session] = [:]
    /// Last sign of life per site (connection, heartbeat, answer), kept after disconnects.
    private var lastSeen: [SiteID: ContinuousClock.Instant] = [:]
    private var tasks: [String: OpenTask] = [:]
    private var waiters: [String: CheckedContinuation<TaskAnswer, any Error>] = [:]
    /// Tasks withdrawn before their waiter arrived.
    private var preWithdrawn: Set<String> = []
    private var outcomes: [String: TaskOutcome] = [:]
    /// Why a site was expelled, until it attaches again (with a new certificate).
    private var expulsions: [SiteID: String] = [:]
    /// What each site declared about its data in its latest Hello, kept after it disconnects:
    /// its rows bound the weight its answers may claim (`UpdateIntake`, evaluation reports).
    private var declarations: [SiteID: DataSummary] = [:]
    private var nextToken: UInt64 = 1
    /// The study's end, once announced. A site that connects afterwards (it was away, or in
    /// the middle of reconnecting, when the others were told) is told at once; without this
    /// it would heartbeat into a study that never offers it anything again, for ever.
    private var finished: Cohort_Deployment_V1_CoordinatorMessage?
    private let limits: ProtocolLimits
    private let log: EventLog
    private let clock = ContinuousClock()
    private let events: @Sendable (SiteConnectionEvent) -> Void

    init(limits: ProtocolLimits, log: EventLog, events: @escaping @Sendable (SiteConnectionEvent) -> Void) {
        self.limits = limits
        self.log = log
        self.events = events
    }

    // MARK: Sessions

    /// A site opened its control channel; a previous session of the same site is closed.
    func attach(_ site: SiteID, data: DataSummary, outbound: Outbound) -> UInt64 {
        if let previous = sessions[site] {
            previous.outbound.finish()
            log.info("session-replaced", ["site": site.name])
        }
        let token = nextToken
        nextToken += 1
        if let finished {
            outbound.yield(finished)
            outbound.finish()
            log.info("site-told-study-finished", ["site": site.name, "reason": "connected after the study ended"])
            return token
        }
        expulsions[site] = nil
        sessions[site] = Session(token: token, outbound: outbound, data: data)
        declarations[site] = data
        lastSeen[site] = clock.now
        events(SiteConnectionEvent(site: site, kind: .connected, detail: ""))
        // Work it was given before a reconnect is offered again.
        for task in tasks.values where task.site == site && !task.receiving {
            outbound.yield(.offer(task, secondsLeft: secondsLeft(task)))
        }
        return token
    }

    func detach(_ site: SiteID, token: UInt64, reason: String) {
        guard let session = sessions[site], session.token == token else { return }
        session.outbound.finish()
        sessions[site] = nil
        log.info("site-disconnected", ["site": site.name, "reason": reason])
        events(SiteConnectionEvent(site: site, kind: .disconnected, detail: reason))
    }

    func heartbeat(_ site: SiteID, token: UInt64) -> Bool {
        guard let session = sessions[site], session.token == token else { return false }
        lastSeen[site] = clock.now
        return true
    }

    /// What `site` declared about its data when it last joined (nil: it never did).
    func declaration(of site: SiteID) -> DataSummary? { declarations[site] }

    /// Connected sites that have been heard from recently.
    func liveSites() -> [SiteID] {
        let now = clock.now
        return sessions.keys.filter { site in
            lastSeen[site].map { (now - $0).inSeconds < limits.deadSiteSeconds } ?? false
        }.sorted()
    }

    /// Sites seen at any time (connected or not).
    func knownSites() -> [SiteID] { lastSeen.keys.sorted() }

    /// Shuts `site` out if the certificate of its connection no longer stands (revoked or
    /// expired since the handshake), and returns why; nil: it stands. Every call, heartbeat and
    /// lane request asks, so a revocation takes effect within a heartbeat. The check (a stat
    /// of the revocation list) runs outside the actor; only an expulsion enters it.
    nonisolated func expelIfLapsed(_ site: SiteID, certificate: Certificate, admission: SiteAdmission) async -> String? {
        guard let lapse = admission.lapse(of: certificate, site: site) else { return nil }
        await expel(site, reason: lapse)
        return lapse
    }

    /// Why `site` was expelled since it last attached (nil: it was not).
    func expulsion(of site: SiteID) -> String? { expulsions[site] }

    /// Its session closes and its open tasks fail now, even those whose answer is arriving,
    /// so nothing more of it is folded; the handshake refuses it from then on.
    private func expel(_ site: SiteID, reason: String) {
        expulsions[site] = reason
        if let session = sessions.removeValue(forKey: site) { session.outbound.finish() }
        let open = tasks.values.filter { $0.site == site }
        log.warning("site-expelled", ["site": site.name, "reason": reason, "open_tasks": "\(open.count)"])
        events(SiteConnectionEvent(site: site, kind: .expelled, detail: reason))
        for task in open { abandon(task.id, reason: reason) }
    }

    /// Declares dead the sites silent past the limit: their sessions close and their open
    /// tasks fail now.
    func reap() {
        let now = clock.now
        for (site, seen) in lastSeen where (now - seen).inSeconds >= limits.deadSiteSeconds {
            let hadSession = sessions[site] != nil
            let open = tasks.values.filter { $0.site == site && !$0.receiving }
            guard hadSession || !open.isEmpty else { continue }
            if let session = sessions.removeValue(forKey: site) { session.outbound.finish() }
            let reason = "no heartbeat for \(String(format: "%.1f", (now - seen).inSeconds)) s (\(limits.missedHeartbeats) missed)"
            log.warning("site-dead", ["site": site.name, "reason": reason, "open_tasks": "\(open.count)"])
            events(SiteConnectionEvent(site: site, kind: .dead, detail: reason))
            for task in open {
                finish(task.id, outcome: .failed(round: task.round), with: .failure(SiteError.unavailable(site)))
            }
        }
    }

    /// Tells every connected site the study is over and closes the sessions.
    func finishStudy(_ message: Cohort_Deployment_V1_CoordinatorMessage) {
        finished = message
        for session in sessions.values {
            session.outbound.yield(message)
            session.outbound.finish()
        }
        sessions.removeAll()
    }

    // MARK: Tasks

    /// Opens `task`, offers it to its site if connected, and waits for the answer. A site
    /// that is not connected may still reconnect in time; one that is dead fails at once.
    func open(_ task: OpenTask) {
        tasks[task.id] = task
        if let session = sessions[task.site] {
            session.outbound.yield(.offer(task, secondsLeft: secondsLeft(task)))
        } else if let expulsion = expulsions[task.site] {
            abandon(task.id, reason: expulsion)
        } else if lastSeen[task.site] == nil {
            finish(task.id, outcome: .failed(round: task.round), with: .failure(SiteError.unavailable(task.site)))
        }
    }

    func wait(for id: String, continuation: CheckedContinuation<TaskAnswer, any Error>) {
        if let result = pending.removeValue(forKey: id) {
            continuation.resume(with: result)
        } else if preWithdrawn.remove(id) != nil {
            continuation.resume(throwing: CancellationError())
        } else {
            waiters[id] = continuation
        }
    }

    /// Answers that arrived before their waiter (the offer is sent before `wait`).
    private var pending: [String: Result<TaskAnswer, any Error>] = [:]

    /// The round's deadline passed (or the coordinator stopped waiting): the site is told.
    func withdraw(_ id: String, reason: WithdrawalReason) {
        guard let task = tasks[id] else {
            if outcomes[id] == nil { preWithdrawn.insert(id) }
            return
        }
        sessions[task.site]?.outbound.yield(.withdrawn(id, reason: reason, round: task.round))
        log.info("task-withdrawn", ["site": task.site.name, "round": "\(task.round)", "task": id, "reason": reason.description])
        finish(id, outcome: .withdrawn(round: task.round), with: .failure(CancellationError()))
    }

    /// Claims a task for an incoming answer from `site`, or explains why the answer is refused.
    func claim(_ id: String, by site: SiteID, kind: TaskKind) -> Result<OpenTask, AnswerRefusal> {
        guard var task = tasks[id] else { return .failure(refusal(forClosed: id)) }
        guard task.site == site else { return .failure(.notYours(owner: task.site)) }
        guard task.kind == kind else { return .failure(.wrongKind) }
        guard !task.receiving else { return .failure(.duplicate) }
        task.receiving = true
        tasks[id] = task
        lastSeen[site] = clock.now
        return .success(task)
    }

    /// The claimed answer could not be received (a broken stream): the task is
    /// open again, so the site may retry before the deadline.
    func release(_ id: String) {
        guard var task = tasks[id] else { return }
        task.receiving = false
        tasks[id] = task
    }

    /// Hands a received answer to the waiting round. The task may have closed while the
    /// answer was arriving (its deadline passed, or the site was declared dead): the answer
    /// is then dropped, and the refusal says why, so the site is not told it was accepted.
    func complete(_ id: String, with answer: TaskAnswer) -> Result<Void, AnswerRefusal> {
        guard let task = tasks[id] else { return .failure(refusal(forClosed: id)) }
        lastSeen[task.site] = clock.now
        finish(id, outcome: .answered(round: task.round), with: .success(answer))
        return .success(())
    }

    /// Why an answer to a task that is no longer open is refused.
    private func refusal(forClosed id: String) -> AnswerRefusal {
        switch outcomes[id] {
        case .answered(let round): .replayed(round: round)
        case .withdrawn(let round): .late(round: round)
        case .failed(let round): .afterFailure(round: round)
        case nil: .unknownTask
        }
    }

    func fail(_ id: String, site: SiteID, reason: String) -> Result<Void, AnswerRefusal> {
        switch claim(id, by: site, kind: tasks[id]?.kind ?? .train) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let task):
            finish(id, outcome: .failed(round: task.round), with: .failure(SiteError.failed(site, reason: reason)))
            return .success(())
        }
    }

    /// A claimed answer was refused for good: the task fails now with the reason.
    func reject(_ id: String, reason: String) {
        abandon(id, reason: "update rejected: \(reason)")
    }

    /// The task fails now with `reason`: its answer cannot be used, whoever's fault that is.
    func abandon(_ id: String, reason: String) {
        guard let task = tasks[id] else { return }
        finish(id, outcome: .failed(round: task.round), with: .failure(SiteError.failed(task.site, reason: reason)))
    }

    /// The vectors of a task offered to `site`.
    func payload(_ id: String, for site: SiteID) -> Result<OpenTask, AnswerRefusal> {
        guard let task = tasks[id] else { return .failure(outcomes[id] == nil ? .unknownTask : .closed) }
        guard task.site == site else { return .failure(.notYours(owner: task.site)) }
        return .success(task)
    }

    private func finish(_ id: String, outcome: TaskOutcome, with result: Result<TaskAnswer, any Error>) {
        tasks[id] = nil
        outcomes[id] = outcome
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.resume(with: result)
        } else {
            pending[id] = result
        }
    }

    private func secondsLeft(_ task: OpenTask) -> Double {
        max(0, (task.deadline - clock.now).inSeconds)
    }
}

/// Why an answer was refused; each reason is logged and told to the site in its receipt.
enum AnswerRefusal: Error, Equatable, CustomStringConvertible {
    case unknownTask
    case replayed(round: Int)
    case late(round: Int)
    case afterFailure(round: Int)
    case notYours(owner: SiteID)
    case wrongKind
    case duplicate
    case closed
    case invalid(String)
    case interrupted(String)
    /// The coordinator could not keep the update (its spool file could not be created or
    /// written): not the site's fault, and sending it again would meet the same disk.
    case unstored(String)

    var description: String {
        switch self {
        case .unknownTask: "unknown task: never offered by this coordinator (stale, forged, or from an earlier run)"
        case .replayed(let round): "replayed: the task of round \(round) was already answered"
        case .late(let round): "too late: round \(round)'s deadline passed and the site was left out of it (straggler)"
        case .afterFailure(let round): "the task of round \(round) already failed (site reported failure or was declared dead)"
        case .notYours(let owner): "the task was offered to site \(owner), not to the sender"
        case .wrongKind: "the answer is of the wrong kind for this task"
        case .duplicate: "duplicate: an answer to this task is already being received"
        case .closed: "the task is closed"
        case .invalid(let reason), .interrupted(let reason): reason
        case .unstored(let reason): "the coordinator could not store the update (\(reason)); the round goes on without it"
        }
    }
}

enum WithdrawalReason: Sendable, CustomStringConvertible {
    case deadlinePassed, roundClosed

    var description: String {
        switch self {
        case .deadlinePassed: "deadline passed"
        case .roundClosed: "round closed"
        }
    }
}

/// A change in a site's connection, for the coordinator's store and logs.
public struct SiteConnectionEvent: Sendable {
    public enum Kind: String, Sendable { case connected, disconnected, dead, refused, expelled }
    public var site: SiteID
    public var kind: Kind
    public var detail: String
}
