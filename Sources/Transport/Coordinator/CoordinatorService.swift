import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Learning
import X509

/// The gRPC service sites call. Every handler first reads the caller's identity from its
/// verified client certificate; nothing a message says about who sent it is believed.
struct CoordinatorService: Cohort_Deployment_V1_Coordinator.SimpleServiceProtocol {
    static let protocolVersion: UInt32 = 1

    let switchboard: Switchboard
    let study: StudyDescription
    let limits: ProtocolLimits
    let consortium: String
    /// Nil: any site of the consortium may take part.
    let expectedSites: Set<SiteID>?
    /// Nonzero once the vector lane listens (announced in Welcome).
    let lanePort: LanePort
    let intake: UpdateIntake
    /// Asked again on every call and heartbeat whether the caller's certificate still stands.
    let admission: SiteAdmission
    let log: EventLog

    // MARK: Identity

    /// The site named by the connection's verified certificate, if that certificate still
    /// stands (it may have been revoked or have expired since the handshake).
    private func caller(_ context: ServerContext) async throws -> SiteID {
        try await identify(context).site
    }

    private func identify(_ context: ServerContext) async throws -> (site: SiteID, certificate: Certificate) {
        guard let specific = context.transportSpecific as? HTTP2ServerTransport.Posix.Context,
            let certificate = specific.peerCertificate
        else {
            throw RPCError(code: .unauthenticated, message: "a client certificate of the consortium is required")
        }
        guard let site = ParticipantIdentity.site(certifiedBy: certificate, in: consortium) else {
            throw RPCError(code: .permissionDenied, message: "the certificate names no site of consortium \(consortium)")
        }
        if let lapse = await switchboard.expelIfLapsed(site, certificate: certificate, admission: admission) {
            throw RPCError(code: .permissionDenied, message: lapse)
        }
        return (site, certificate)
    }

    // MARK: Control channel

    func attend(
        request: RPCAsyncSequence<Cohort_Deployment_V1_SiteMessage, any Error>,
        response: RPCWriter<Cohort_Deployment_V1_CoordinatorMessage>, context: ServerContext
    ) async throws {
        let (site, certificate) = try await identify(context)
        if let expectedSites, !expectedSites.contains(site) {
            let reason = "site \(site) is not one of the sites of study '\(study.studyID)'"
            log.warning("site-refused", ["site": site.name, "reason": reason])
            throw RPCError(code: .failedPrecondition, message: reason)
        }
        var messages = request.makeAsyncIterator()
        guard let first = try await messages.next(), case .hello(let hello) = first.body else {
            throw RPCError(code: .invalidArgument, message: "the first message on the control channel must be Hello")
        }
        guard hello.protocolVersion >= Self.protocolVersion else {
            throw RPCError(
                code: .failedPrecondition,
                message: "protocol version \(hello.protocolVersion) is not supported; this coordinator speaks \(Self.protocolVersion)")
        }
        let data: DataSummary
        do { data = try hello.data.domain() } catch {
            throw RPCError(code: .invalidArgument, message: "Hello.data: \(error)")
        }
        if let problem = data.mismatch(with: study) {
            log.warning("site-refused", ["site": site.name, "reason": problem])
            throw RPCError(code: .failedPrecondition, message: problem)
        }

        let (outbound, continuation) = AsyncStream.makeStream(of: Cohort_Deployment_V1_CoordinatorMessage.self)
        var welcome = Cohort_Deployment_V1_Welcome()
        welcome.protocolVersion = Self.protocolVersion
        welcome.site = site.name
        welcome.study = Cohort_Deployment_V1_StudyDescription(study)
        welcome.heartbeatIntervalMs = UInt32(limits.heartbeatInterval * 1000)
        welcome.maxChunkBytes = UInt32(limits.chunkBytes)
        welcome.vectorLanePort = lanePort.value
        var greeting = Cohort_Deployment_V1_CoordinatorMessage()
        greeting.body = .welcome(welcome)
        continuation.yield(greeting)
        let token = await switchboard.attach(site, data: data, outbound: continuation)
        log.info(
            "site-connected",
            [
                "site": site.name, "peer": context.remotePeer, "agent": hello.agentVersion,
                "train_rows": "\(data.trainingRows)", "test_rows": "\(data.testRows)"
            ])
        let switchboard = switchboard, admission = admission
        let inbound = Handover(messages)
        var reason = "stream closed"
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in outbound { try await response.write(message) }
                }
                group.addTask {
                    while let message = try await inbound.value.next() {
                        guard case .heartbeat(let beat) = message.body else { continue }
                        if await switchboard.expelIfLapsed(site, certificate: certificate, admission: admission) != nil { return }
                        guard await switchboard.heartbeat(site, token: token) else { return }
                        var ack = Cohort_Deployment_V1_HeartbeatAck()
                        ack.sequence = beat.sequence
                        var reply = Cohort_Deployment_V1_CoordinatorMessage()
                        reply.body = .heartbeatAck(ack)
                        continuation.yield(reply)
                    }
                }
                // Either side ending ends the session.
                _ = try await group.next()
                group.cancelAll()
            }
        } catch {
            reason = "\(error)"
        }
        // Expelled (here, or by a call or lane request): the site is told why, so that it
        // stops instead of redialling.
        if let expulsion = await switchboard.expulsion(of: site) { throw RPCError(code: .permissionDenied, message: expulsion) }
        await switchboard.detach(site, token: token, reason: reason)
    }

    // MARK: Vectors

    func downloadTask(
        request: Cohort_Deployment_V1_TaskReference, response: RPCWriter<Cohort_Deployment_V1_VectorChunk>,
        context: ServerContext
    ) async throws {
        let site = try await caller(context)
        switch await switchboard.payload(request.taskID, for: site) {
        case .failure(let refusal):
            log.warning("download-refused", ["site": site.name, "task": request.taskID, "reason": refusal.description])
            throw RPCError(code: .failedPrecondition, message: refusal.description)
        case .success(let task):
            try await VectorChunks.send(task.vectors, chunkBytes: limits.chunkBytes) { try await response.write($0) }
        }
    }

    // MARK: Answers

    func uploadUpdate(
        request: RPCAsyncSequence<Cohort_Deployment_V1_UpdatePart, any Error>,
        context: ServerContext
    ) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try await caller(context)
        var parts = request.makeAsyncIterator()
        guard let first = try await parts.next(), case .header(let header) = first.body else {
            return intake.refuse(site, task: "-", round: nil, .invalid("an update must start with its header"))
        }
        return await intake.accept(header, from: site, via: .grpc) { assembler in
            while let part = try await parts.next() {
                guard case .chunk(let chunk) = part.body, let kind = chunk.vectorName else {
                    throw AnswerRefusal.invalid("an update holds one header, then chunks")
                }
                let offset: Int
                do { offset = try WireInteger.int(chunk.offset, field: "VectorChunk.offset") } catch { throw AnswerRefusal.invalid("\(error)") }
                try assembler.add(kind: kind, offset: offset, bytes: chunk.values)
            }
        }
    }

    func answerSecureAggregation(
        request: RPCAsyncSequence<Cohort_Deployment_V1_SecureAnswerPart, any Error>,
        context: ServerContext
    ) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try await caller(context)
        var parts = request.makeAsyncIterator()
        guard let first = try await parts.next(), case .header(let header) = first.body else {
            return intake.refuse(site, task: "-", round: nil, .invalid("a secure-aggregation answer must start with its header"))
        }
        let task: OpenTask
        switch await switchboard.claim(header.taskID, by: site, kind: .secureAggregation) {
        case .failure(let refusal): return intake.refuse(site, task: header.taskID, round: nil, refusal)
        case .success(let claimed): task = claimed
        }
        // A masked input: 4 bytes per parameter and one weight word, plus its header.
        let limit = 4 * (study.parameterCount + 1) + 64 * 1024
        let totalBytes: Int
        do { totalBytes = try WireInteger.int(header.totalBytes, field: "SecureAnswerHeader.total_bytes", in: 0...limit) } catch {
            await switchboard.reject(task.id, reason: "oversized secure-aggregation answer")
            return intake.refuse(site, task: task.id, round: task.round, .invalid("oversized: \(error)"))
        }
        var message: [UInt8] = []
        message.reserveCapacity(totalBytes)
        do {
            while let part = try await parts.next() {
                guard case .chunk(let chunk) = part.body, chunk.count <= limits.chunkBytes,
                    message.count + chunk.count <= totalBytes
                else {
                    await switchboard.reject(task.id, reason: "malformed secure-aggregation answer")
                    return intake.refuse(
                        site, task: task.id, round: task.round,
                        .invalid("a secure-aggregation answer holds one header, then at most its announced bytes in chunks of at most \(limits.chunkBytes)"))
                }
                message.append(contentsOf: chunk)
            }
        } catch {
            await switchboard.release(task.id)
            return intake.refuse(site, task: task.id, round: task.round, .interrupted("the answer broke off: \(error)"))
        }
        guard message.count == totalBytes else {
            // The stream ended normally with bytes missing: the site's answer is wrong, not lost.
            let reason = "incomplete: \(message.count) of \(totalBytes) announced bytes"
            await switchboard.reject(task.id, reason: reason)
            return intake.refuse(site, task: task.id, round: task.round, .invalid(reason))
        }
        if case .failure(let closed) = await switchboard.complete(task.id, with: .secureMessage(message)) {
            return intake.refuse(site, task: task.id, round: task.round, closed)
        }
        return UpdateIntake.receipt(accepted: true, reason: "")
    }

    func reportEvaluation(request: Cohort_Deployment_V1_EvaluationResult, context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try await caller(context)
        switch await switchboard.claim(request.taskID, by: site, kind: .evaluate) {
        case .failure(let refusal):
            return intake.refuse(site, task: request.taskID, round: Int(request.round), refusal)
        case .success(let task):
            guard request.study == task.study, Int(request.round) == task.round else {
                let reason = "stale: the report is for study '\(request.study)' round \(request.round), the task for '\(task.study)' round \(task.round)"
                await switchboard.reject(task.id, reason: reason)
                return intake.refuse(site, task: task.id, round: task.round, .invalid(reason))
            }
            let metrics: EvaluationMetrics
            var validation: ValidationStatistics?
            var trailHead: TrailHead?
            do {
                metrics = try request.metrics.domain()
                if request.hasValidation { validation = try request.validation.domain(asked: task.validationBins) }
                if request.hasTrailHead { trailHead = try request.trailHead.domain(field: "EvaluationResult.trail_head") }
            } catch {
                await switchboard.reject(task.id, reason: "\(error)")
                return intake.refuse(site, task: task.id, round: task.round, .invalid("\(error)"))
            }
            // A report's count is its weight in the weighted accuracy: at most the rows its site
            // declared (prepared data declares all its rows as training rows, split at the site).
            let rows = await switchboard.declaration(of: site).map { $0.trainingRows + $0.testRows } ?? 0
            guard metrics.count <= rows else {
                let reason =
                    "Metrics.count is \(metrics.count), more than the \(rows) rows site \(site) declared when it joined (DataDescription.training_rows + test_rows)"
                await switchboard.reject(task.id, reason: reason)
                return intake.refuse(site, task: task.id, round: task.round, .invalid(reason))
            }
            var report = EvaluationReport(site: site, round: task.round, metrics: metrics, validation: validation)
            report.trailHead = trailHead
            if case .failure(let closed) = await switchboard.complete(task.id, with: .evaluation(report)) {
                return intake.refuse(site, task: task.id, round: task.round, closed)
            }
            return UpdateIntake.receipt(accepted: true, reason: "")
        }
    }

    func reportFailure(request: Cohort_Deployment_V1_TaskFailure, context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try await caller(context)
        switch await switchboard.fail(request.taskID, site: site, reason: request.reason) {
        case .failure(let refusal): return intake.refuse(site, task: request.taskID, round: nil, refusal)
        case .success:
            log.warning("site-failed-task", ["site": site.name, "task": request.taskID, "reason": request.reason])
            return UpdateIntake.receipt(accepted: true, reason: "")
        }
    }
}

/// Moves a value into the one child task that uses it from then on (the control channel's
/// inbound iterator, after the handler read Hello from it).
final class Handover<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
