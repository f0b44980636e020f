import Federation
import Foundation
import GRPCCore
import Synchronization

/// A site agent: it dials out to the coordinator (the hospital's firewall needs to allow
/// nothing inbound), registers on a control channel, heartbeats, and works through the tasks
/// it is offered: download the vectors, train or evaluate, upload the answer. A lost
/// connection is retried with jittered exponential backoff; the agent rejoins with its
/// checkpoint and is offered work again from the next round (or the same task, if the
/// coordinator still waits for it).
///
/// A hospital app that runs a site:
/// ```swift
/// let credentials = try Credentials(kit: .site(kitDirectory))   // the folder `cohort provision add-site` wrote
/// let worker = FederatedSiteWorker(summary: data.summary, makeData: data.make, stateDirectory: state,
///                                  privacyGuard: nil, log: log)
/// let agent = SiteAgent(options: .init(coordinator: NetworkAddress(host: "coordinator.example.org", port: 7443),
///                                      credentials: credentials), worker: worker, log: log)
/// do { let finish = try await agent.run() }
/// catch let error as SiteAgentError where error.endsParticipation { /* tell the operator */ }
/// ```
public final class SiteAgent: Sendable {
    public struct Options: Sendable {
        public var coordinator: NetworkAddress
        public var credentials: Credentials
        public var reconnectInitialSeconds: Double
        public var reconnectMaximumSeconds: Double
        public var agentVersion: String

        public init(
            coordinator: NetworkAddress, credentials: Credentials, reconnectInitialSeconds: Double = 0.2,
            reconnectMaximumSeconds: Double = 15, agentVersion: String = "cohort"
        ) {
            self.coordinator = coordinator
            self.credentials = credentials
            self.reconnectInitialSeconds = reconnectInitialSeconds
            self.reconnectMaximumSeconds = reconnectMaximumSeconds
            self.agentVersion = agentVersion
        }
    }

    /// How a study ended, as the coordinator announced it.
    public struct Finish: Sendable {
        public var study: String
        public var rounds: Int
        public var modelChecksum: String
    }

    private enum SessionEnd: Error {
        case finished(Finish)
        /// The connection ended; `refusal` when the coordinator refused this site's
        /// certificate during the handshake.
        case lost(String, welcomed: Bool, refusal: HandshakeRefusal? = nil)
        case fatal(SiteAgentError)
    }

    /// Handshake refusals in a row after which the agent stops. A refusal is the
    /// coordinator's verdict on this certificate, and it will not change until the operator
    /// issues a new one; more than one guards against a one-off (a coordinator restarting
    /// with a list being replaced) at the cost of a second or two.
    static let refusalsBeforeStopping = 3

    private let options: Options
    private let worker: any SiteWorker
    private let log: EventLog

    public init(options: Options, worker: any SiteWorker, log: EventLog) {
        self.options = options
        self.worker = worker
        self.log = log
    }

    /// Takes part until the coordinator announces the end of the study. Throws only for what
    /// retrying cannot fix (the coordinator refused this site's data, the data does not fit
    /// the study, the coordinator shut this site out, or it refused this site's certificate
    /// during the handshake `refusalsBeforeStopping` times in a row).
    public func run() async throws -> Finish {
        var backoff = Backoff(initial: options.reconnectInitialSeconds, maximum: options.reconnectMaximumSeconds)
        var refusals = 0
        while true {
            let end = await session()
            switch end {
            case .finished(let finish):
                log.info("study-finished", ["study": finish.study, "rounds": "\(finish.rounds)", "model_checksum": finish.modelChecksum])
                return finish
            case .lost(let reason, let welcomed, let refusal):
                if welcomed { backoff.reset() }
                refusals = refusal == nil ? 0 : refusals + 1
                if let refusal, refusals >= Self.refusalsBeforeStopping {
                    throw SiteAgentError.certificateRefused(refusal.explanation(attempts: refusals, credentials: options.credentials))
                }
                let delay = backoff.next()
                log.warning("connection-lost", ["reason": reason, "retry_in_seconds": String(format: "%.2f", delay)])
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            case .fatal(let error):
                throw error
            }
        }
    }

    /// One connection, from dialling to its end.
    private func session() async -> SessionEnd {
        let state = SessionState()
        let end: SessionEnd
        do {
            try await CoordinatorLink.with(options.coordinator, credentials: options.credentials) { link in
                try await self.attend(link, state: state)
            }
            end = .lost("the coordinator closed the control channel", welcomed: state.welcomed)
        } catch let finished as SessionEnd {
            end = finished
        } catch let error as RPCError where error.code == .failedPrecondition && !state.welcomed {
            // The coordinator refused this site: its data does not fit the study.
            end = .fatal(SiteAgentError.refusedByCoordinator(error.message))
        } catch let error as RPCError where error.code == .permissionDenied {
            // Revoked or expired: reconnecting cannot help until the operator issues a new certificate.
            end = .fatal(SiteAgentError.shutOut(error.message))
        } catch let error as SiteAgentError {
            end = error.endsParticipation ? .fatal(error) : .lost(error.description, welcomed: state.welcomed)
        } catch {
            let refusal = state.welcomed ? nil : HandshakeRefusal(error)
            let reason = refusal.map { "the coordinator refused this site's certificate during the TLS handshake (TLS alert \($0.alertName))" }
            end = .lost(reason ?? Self.describe(error), welcomed: state.welcomed, refusal: refusal)
        }
        if let fatal = state.fatal { return .fatal(fatal) }
        return end
    }

    private func attend(_ link: CoordinatorLink, state: SessionState) async throws {
        let (outgoing, send) = AsyncStream.makeStream(of: Cohort_Deployment_V1_SiteMessage.self)
        let (offers, queue) = AsyncStream.makeStream(of: Cohort_Deployment_V1_TaskOffer.self)
        var hello = Cohort_Deployment_V1_Hello()
        hello.protocolVersion = CoordinatorService.protocolVersion
        hello.agentVersion = options.agentVersion
        hello.data = Cohort_Deployment_V1_DataDescription(worker.data)
        var first = Cohort_Deployment_V1_SiteMessage()
        first.body = .hello(hello)
        send.yield(first)
        let worker = worker
        let log = log
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Runs before the group waits for its children: the control channel's request side
            // ends only when `outgoing` does, so a child that throws (a refused download) would
            // otherwise leave the group waiting on it for ever.
            defer {
                send.finish()
                queue.finish()
            }
            // The control channel: Hello and heartbeats out, work and notices in.
            group.addTask {
                try await link.client.attend(options: CoordinatorLink.options(timeout: 365 * 86_400)) { writer in
                    for await message in outgoing { try await writer.write(message) }
                } onResponse: { response in
                    for try await message in response.messages {
                        state.heard()
                        switch message.body {
                        case .welcome(let welcome):
                            let study = try welcome.study.domain()
                            do {
                                try await worker.join(study, as: SiteID(welcome.site))
                            } catch {
                                state.fatal = error as? SiteAgentError ?? SiteAgentError.cannotJoin("\(error)")
                                throw state.fatal!
                            }
                            state.welcome(
                                study: study, site: welcome.site, heartbeat: Double(welcome.heartbeatIntervalMs) / 1000,
                                chunkBytes: Int(welcome.maxChunkBytes), lanePort: Int(welcome.vectorLanePort))
                            log.info(
                                "joined",
                                [
                                    "site": welcome.site, "study": study.studyID, "model": study.model.description,
                                    "parameters": "\(study.parameterCount)"
                                ])
                        case .task(let offer):
                            queue.yield(offer)
                        case .withdrawn(let notice):
                            state.withdraw(notice.taskID)
                            log.warning("task-withdrawn", ["task": notice.taskID, "reason": notice.detail])
                        case .finished(let finished):
                            throw SessionEnd.finished(
                                Finish(
                                    study: finished.studyID, rounds: Int(finished.rounds),
                                    modelChecksum: finished.modelChecksum))
                        case .heartbeatAck, nil:
                            break
                        }
                    }
                }
            }
            // Heartbeats, and noticing a coordinator that went silent.
            group.addTask {
                var sequence: UInt64 = 0
                while true {
                    let interval = state.heartbeatInterval
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                    guard state.welcomed else {
                        if state.silence > 30 { throw SiteAgentError.coordinatorSilent("no Welcome from the coordinator within 30 s") }
                        continue
                    }
                    if state.silence > interval * 5 {
                        throw SiteAgentError.coordinatorSilent("the coordinator has been silent for \(String(format: "%.1f", state.silence)) s")
                    }
                    sequence += 1
                    var beat = Cohort_Deployment_V1_Heartbeat()
                    beat.sequence = sequence
                    beat.workingOn = state.current ?? ""
                    var message = Cohort_Deployment_V1_SiteMessage()
                    message.body = .heartbeat(beat)
                    send.yield(message)
                }
            }
            // The work, one task at a time, in the order offered; vectors over the coordinator's
            // vector lane when its Welcome announced one (offers come only after Welcome).
            group.addTask {
                var pending = offers.makeAsyncIterator()
                guard let first = await pending.next() else { return }
                let lane = state.lanePort.map { NetworkAddress(host: self.options.coordinator.host, port: $0) }
                try await VectorLane.with(lane, credentials: self.options.credentials) { lane in
                    var offer: Cohort_Deployment_V1_TaskOffer? = first
                    while let current = offer {
                        try await self.perform(current, link: link, lane: lane, state: state)
                        offer = await pending.next()
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func perform(
        _ offer: Cohort_Deployment_V1_TaskOffer, link: CoordinatorLink, lane: VectorLane?,
        state: SessionState
    ) async throws {
        guard !state.isWithdrawn(offer.taskID), let study = state.study else { return }
        state.current = offer.taskID
        defer { state.current = nil }
        let round = Int(offer.round)
        do {
            switch offer.kind {
            case .train:
                let vectors = try await download(offer, link: link, lane: lane)
                let instructions = try offer.instructions.domain(vectors: vectors)
                var request = TrainingRequest(
                    study: offer.study, round: round, globalParameters: vectors[.globalParameters] ?? [],
                    instructions: instructions, sealed: offer.sealed)
                if offer.hasCoordinatorTrailHead {
                    do { request.coordinatorTrailHead = try offer.coordinatorTrailHead.domain(field: "TaskOffer.coordinator_trail_head") } catch {
                        try await fail(offer, link: link, reason: "\(error)")
                        return
                    }
                }
                let update: SiteUpdate
                do {
                    update = try await worker.train(request)
                } catch {
                    try await fail(offer, link: link, reason: "\(error)")
                    return
                }
                guard !state.isWithdrawn(offer.taskID) else {
                    log.warning("left-out", ["round": "\(round)", "reason": "the round's deadline passed while training (straggler)"])
                    return
                }
                let receipt = try await upload(update, answering: offer, link: link, lane: lane, chunkBytes: state.chunkBytes)
                log.write(
                    receipt.accepted ? .info : .warning, receipt.accepted ? "update-accepted" : "update-rejected",
                    ["study": study.studyID, "round": "\(round)", "reason": receipt.reason])
            case .evaluate:
                let vectors = try await download(offer, link: link, lane: lane)
                let request = EvaluationRequest(
                    study: offer.study, round: round, globalParameters: vectors[.globalParameters] ?? [],
                    validationBins: offer.validationBins == 0 ? nil : Int(offer.validationBins))
                let report: EvaluationReport
                do {
                    report = try await worker.evaluate(request)
                } catch {
                    try await fail(offer, link: link, reason: "\(error)")
                    return
                }
                guard !state.isWithdrawn(offer.taskID) else { return }
                let receipt = try await link.report(report, study: offer.study, task: offer.taskID)
                if !receipt.accepted { log.warning("evaluation-rejected", ["round": "\(round)", "reason": receipt.reason]) }
            case .secureAggregation:
                let answer: [UInt8]
                do {
                    answer = try await worker.respond(toSecureMessage: Array(offer.secureMessage))
                } catch {
                    try await fail(offer, link: link, reason: "\(error)")
                    return
                }
                guard !state.isWithdrawn(offer.taskID) else { return }
                let receipt = try await link.answerSecureAggregation(answer, task: offer.taskID, chunkBytes: state.chunkBytes)
                if !receipt.accepted { log.warning("secure-answer-rejected", ["round": "\(round)", "reason": receipt.reason]) }
            default:
                try await fail(offer, link: link, reason: "unknown task kind \(offer.kind.rawValue); this agent is older than the coordinator")
            }
        } catch let error as RPCError where error.code == .failedPrecondition {
            // The task closed while we worked on it (deadline, or already answered).
            log.warning("task-closed", ["task": offer.taskID, "round": "\(round)", "reason": error.message])
        } catch let refusal as LaneRefusal {
            log.warning("task-closed", ["task": offer.taskID, "round": "\(round)", "reason": refusal.reason])
        }
    }

    private func download(_ offer: Cohort_Deployment_V1_TaskOffer, link: CoordinatorLink, lane: VectorLane?) async throws -> [VectorKind: [Float]] {
        if let lane { return try await lane.download(offer, keep: worker.needsGlobalParameters) }
        return try await link.download(offer, keep: worker.needsGlobalParameters)
    }

    private func upload(
        _ update: SiteUpdate, answering offer: Cohort_Deployment_V1_TaskOffer, link: CoordinatorLink, lane: VectorLane?,
        chunkBytes: Int?
    ) async throws -> Cohort_Deployment_V1_Receipt {
        let (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(update, task: offer.taskID)
        if let lane { return try await lane.upload(header: header, vectors: vectors, chunkBytes: chunkBytes ?? link.chunkBytes) }
        return try await link.upload(header: header, vectors: vectors, chunkBytes: chunkBytes)
    }

    private func fail(_ offer: Cohort_Deployment_V1_TaskOffer, link: CoordinatorLink, reason: String) async throws {
        log.warning("task-failed", ["round": "\(offer.round)", "reason": reason])
        _ = try await link.reportFailure(task: offer.taskID, reason: reason)
    }

    static func describe(_ error: any Error) -> String {
        if let rpc = error as? RPCError {
            return "\(rpc.code): \(rpc.message)" + (rpc.cause.map { " (\($0))" } ?? "")
        }
        return "\(error)"
    }
}

/// What one connection knows, shared by its tasks.
final class SessionState: Sendable {
    private struct Values {
        var study: StudyDescription?
        var site: String?
        var heartbeatInterval: Double = 1
        var chunkBytes: Int?
        var lanePort: Int?
        var lastHeard = ContinuousClock.now
        var withdrawn: Set<String> = []
        var current: String?
        var fatal: SiteAgentError?
    }

    private let values = Mutex(Values())

    var welcomed: Bool { values.withLock { $0.study != nil } }
    var study: StudyDescription? { values.withLock { $0.study } }
    var heartbeatInterval: Double { values.withLock { $0.heartbeatInterval } }
    /// The coordinator's chunk limit, from its Welcome.
    var chunkBytes: Int? { values.withLock { $0.chunkBytes } }
    /// The coordinator's vector lane port, from its Welcome (nil: it has none).
    var lanePort: Int? { values.withLock { $0.lanePort } }
    var silence: Double { values.withLock { (ContinuousClock.now - $0.lastHeard).inSeconds } }
    var current: String? {
        get { values.withLock { $0.current } }
        set { values.withLock { $0.current = newValue } }
    }
    var fatal: SiteAgentError? {
        get { values.withLock { $0.fatal } }
        set { values.withLock { $0.fatal = newValue } }
    }

    func heard() { values.withLock { $0.lastHeard = .now } }

    func welcome(study: StudyDescription, site: String, heartbeat: Double, chunkBytes: Int, lanePort: Int) {
        values.withLock {
            $0.study = study
            $0.site = site
            $0.heartbeatInterval = max(0.05, heartbeat)
            $0.chunkBytes = chunkBytes > 0 ? chunkBytes : nil
            $0.lanePort = lanePort > 0 ? lanePort : nil
        }
    }

    func withdraw(_ task: String) { values.withLock { _ = $0.withdrawn.insert(task) } }
    func isWithdrawn(_ task: String) -> Bool { values.withLock { $0.withdrawn.contains(task) } }
}
