import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
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
    let log: EventLog

    // MARK: Identity

    /// The site named by the connection's verified certificate.
    private func caller(_ context: ServerContext) throws -> SiteID {
        guard let specific = context.transportSpecific as? HTTP2ServerTransport.Posix.Context,
              let certificate = specific.peerCertificate else {
            throw RPCError(code: .unauthenticated, message: "a client certificate of the consortium is required")
        }
        guard let identity = ParticipantIdentity(certificate: certificate), identity.consortium == consortium,
              let site = identity.site else {
            throw RPCError(code: .permissionDenied, message: "the certificate names no site of consortium \(consortium)")
        }
        return site
    }

    // MARK: Control channel

    func attend(request: RPCAsyncSequence<Cohort_Deployment_V1_SiteMessage, any Error>,
                response: RPCWriter<Cohort_Deployment_V1_CoordinatorMessage>, context: ServerContext) async throws {
        let site = try caller(context)
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
            throw RPCError(code: .failedPrecondition, message: "protocol version \(hello.protocolVersion) is not supported; this coordinator speaks \(Self.protocolVersion)")
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
        var greeting = Cohort_Deployment_V1_CoordinatorMessage()
        greeting.body = .welcome(welcome)
        continuation.yield(greeting)
        let token = await switchboard.attach(site, data: data, outbound: continuation)
        log.info("site-connected", ["site": site.name, "peer": context.remotePeer, "agent": hello.agentVersion,
                                    "train_rows": "\(data.trainingRows)", "test_rows": "\(data.testRows)"])
        let switchboard = switchboard
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
        await switchboard.detach(site, token: token, reason: reason)
    }

    // MARK: Vectors

    func downloadTask(request: Cohort_Deployment_V1_TaskReference, response: RPCWriter<Cohort_Deployment_V1_VectorChunk>,
                      context: ServerContext) async throws {
        let site = try caller(context)
        switch await switchboard.payload(request.taskID, for: site) {
        case .failure(let refusal):
            log.warning("download-refused", ["site": site.name, "task": request.taskID, "reason": refusal.description])
            throw RPCError(code: .failedPrecondition, message: refusal.description)
        case .success(let task):
            try await VectorChunks.send(task.vectors, chunkBytes: limits.chunkBytes) { try await response.write($0) }
        }
    }

    // MARK: Answers

    func uploadUpdate(request: RPCAsyncSequence<Cohort_Deployment_V1_UpdatePart, any Error>,
                      context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try caller(context)
        var parts = request.makeAsyncIterator()
        guard let first = try await parts.next(), case .header(let header) = first.body else {
            return refuse(site, task: "-", round: nil, .invalid("an update must start with its header"))
        }
        let task: OpenTask
        switch await switchboard.claim(header.taskID, by: site, kind: .train) {
        case .failure(let refusal): return refuse(site, task: header.taskID, round: Int(header.round), refusal)
        case .success(let claimed): task = claimed
        }
        do throws(AnswerRefusal) {
            let (update, verdict) = try await receive(header, rest: &parts, for: task, from: site)
            // The coordinator validates again; checking here lets the receipt say why.
            if case .failure(let closed) = await switchboard.complete(task.id, with: .update(update)) {
                return refuse(site, task: task.id, round: task.round, closed)
            }
            if let verdict { return refuse(site, task: task.id, round: task.round, .invalid(verdict.description)) }
            log.info("update-received", ["site": site.name, "round": "\(task.round)", "task": task.id,
                                         "values": "\(header.parameterCount)", "samples": "\(update.header.sampleCount)",
                                         "spooled": "\(update.vectors.isSpooled)"])
            return Self.receipt(accepted: true, reason: "")
        } catch {
            if case .interrupted = error {
                // The site may send it again before the deadline.
                await switchboard.release(task.id)
            } else {
                // A definite refusal: the round does not wait for this site any longer.
                await switchboard.reject(task.id, site: site, reason: error.description)
            }
            return refuse(site, task: task.id, round: task.round, error)
        }
    }

    /// Reads the update's chunks into place (a spool file when large), checking its header
    /// against the task; returns it with what `UpdateCheck` will say of it (nil: nothing).
    private func receive(_ header: Cohort_Deployment_V1_UpdateHeader, rest parts: inout RPCAsyncSequence<Cohort_Deployment_V1_UpdatePart, any Error>.AsyncIterator,
                         for task: OpenTask, from site: SiteID) async throws(AnswerRefusal) -> (ReceivedUpdate, UpdateRejection?) {
        guard header.study == task.study, Int(header.round) == task.round else {
            throw .invalid("stale: the update is for study '\(header.study)' round \(header.round), the task for '\(task.study)' round \(task.round)")
        }
        if task.sealed {
            // Secure aggregation: the update stays at the site; only its header comes.
            guard header.parameterCount == 0, !header.includesControlDelta, !header.includesMask else {
                throw .invalid("the round uses secure aggregation: a sealed answer carries no values, this one announces \(header.parameterCount) (it was discarded)")
            }
        } else if header.parameterCount != UInt64(task.parameterCount) {
            throw .invalid("wrong shape: the update has \(header.parameterCount) values, the model \(task.parameterCount)")
        }
        var expected = task.sealed ? [] : [VectorAssembler.Expected(kind: .delta, count: task.parameterCount)]
        if header.includesControlDelta { expected.append(.init(kind: .controlDelta, count: task.parameterCount)) }
        if header.includesMask { expected.append(.init(kind: .mask, count: task.parameterCount)) }
        let bytes = expected.map(\.count).reduce(0, +) * VectorBytes.bytesPerValue
        let allowed = limits.updateByteLimit(parameterCount: task.parameterCount, vectors: 1 + (task.needsControlDelta ? 1 : 0) + (task.needsMask ? 1 : 0))
        guard bytes <= allowed else {
            throw .invalid("oversized: the update announces \(bytes) bytes, the limit is \(allowed)")
        }
        var spool: UpdateSpool?
        if bytes >= limits.spillBytes {
            do { spool = try UpdateSpool() } catch { throw .interrupted("\(error)") }
        }
        var assembler = VectorAssembler(expecting: expected, maxChunkBytes: limits.chunkBytes, spool: spool)
        do {
            while let part = try await parts.next() {
                guard case .chunk(let chunk) = part.body, let kind = chunk.vector.domain else {
                    throw AnswerRefusal.invalid("an update holds one header, then chunks")
                }
                try assembler.add(kind: kind, offset: Int(chunk.offset), bytes: chunk.values)
            }
        } catch let refusal as AnswerRefusal {
            throw refusal
        } catch {
            throw .interrupted("the upload broke off: \(error)")
        }
        let vectors = try assembler.complete(checksum: header.payloadChecksum)
        var update = SiteUpdate(study: header.study, site: site, round: Int(header.round), delta: [],
                                sampleCount: Int(header.sampleCount), training: header.training.domain())
        if header.hasPrivacy { update.privacy = header.privacy.domain() }
        if header.hasCumulativeEpsilon { update.cumulativeEpsilon = header.cumulativeEpsilon }
        // Federation's UpdateCheck, in its order, on what was seen while receiving.
        var verdict: UpdateRejection?
        if update.sampleCount <= 0 {
            verdict = .noSamples
        } else if let index = assembler.firstNonFinite[.delta] {
            verdict = .nonFinite(index: index)
        } else if task.needsControlDelta && !header.includesControlDelta {
            verdict = .missingControlDelta
        } else if task.needsControlDelta, let index = assembler.firstNonFinite[.controlDelta] {
            verdict = .nonFinite(index: index)
        } else if task.needsMask && (!header.includesMask || assembler.notBinary.contains(.mask)) {
            verdict = .invalidMask
        }
        return (ReceivedUpdate(header: update, vectors: vectors), verdict)
    }

    func answerSecureAggregation(request: RPCAsyncSequence<Cohort_Deployment_V1_SecureAnswerPart, any Error>,
                                 context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try caller(context)
        var parts = request.makeAsyncIterator()
        guard let first = try await parts.next(), case .header(let header) = first.body else {
            return refuse(site, task: "-", round: nil, .invalid("a secure-aggregation answer must start with its header"))
        }
        let task: OpenTask
        switch await switchboard.claim(header.taskID, by: site, kind: .secureAggregation) {
        case .failure(let refusal): return refuse(site, task: header.taskID, round: nil, refusal)
        case .success(let claimed): task = claimed
        }
        // A masked input: 4 bytes per parameter and one weight word, plus its header.
        let limit = 4 * (study.parameterCount + 1) + 64 * 1024
        guard header.totalBytes <= UInt64(limit) else {
            await switchboard.reject(task.id, site: site, reason: "oversized secure-aggregation answer")
            return refuse(site, task: task.id, round: task.round,
                          .invalid("oversized: the answer announces \(header.totalBytes) bytes, the limit is \(limit)"))
        }
        var message: [UInt8] = []
        message.reserveCapacity(Int(header.totalBytes))
        do {
            while let part = try await parts.next() {
                guard case .chunk(let chunk) = part.body, chunk.count <= limits.chunkBytes,
                      message.count + chunk.count <= Int(header.totalBytes) else {
                    await switchboard.reject(task.id, site: site, reason: "malformed secure-aggregation answer")
                    return refuse(site, task: task.id, round: task.round,
                                  .invalid("a secure-aggregation answer holds one header, then at most its announced bytes in chunks of at most \(limits.chunkBytes)"))
                }
                message.append(contentsOf: chunk)
            }
        } catch {
            await switchboard.release(task.id)
            return refuse(site, task: task.id, round: task.round, .interrupted("the answer broke off: \(error)"))
        }
        guard message.count == Int(header.totalBytes) else {
            // The stream ended normally with bytes missing: the site's answer is wrong, not lost.
            let reason = "incomplete: \(message.count) of \(header.totalBytes) announced bytes"
            await switchboard.reject(task.id, site: site, reason: reason)
            return refuse(site, task: task.id, round: task.round, .invalid(reason))
        }
        if case .failure(let closed) = await switchboard.complete(task.id, with: .secureMessage(message)) {
            return refuse(site, task: task.id, round: task.round, closed)
        }
        return Self.receipt(accepted: true, reason: "")
    }

    func reportEvaluation(request: Cohort_Deployment_V1_EvaluationResult, context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try caller(context)
        switch await switchboard.claim(request.taskID, by: site, kind: .evaluate) {
        case .failure(let refusal):
            return refuse(site, task: request.taskID, round: Int(request.round), refusal)
        case .success(let task):
            guard request.study == task.study, Int(request.round) == task.round else {
                let reason = "stale: the report is for study '\(request.study)' round \(request.round), the task for '\(task.study)' round \(task.round)"
                await switchboard.reject(task.id, site: site, reason: reason)
                return refuse(site, task: task.id, round: task.round, .invalid(reason))
            }
            let report = EvaluationReport(site: site, round: task.round, metrics: request.metrics.domain())
            if case .failure(let closed) = await switchboard.complete(task.id, with: .evaluation(report)) {
                return refuse(site, task: task.id, round: task.round, closed)
            }
            return Self.receipt(accepted: true, reason: "")
        }
    }

    func reportFailure(request: Cohort_Deployment_V1_TaskFailure, context: ServerContext) async throws -> Cohort_Deployment_V1_Receipt {
        let site = try caller(context)
        switch await switchboard.fail(request.taskID, site: site, reason: request.reason) {
        case .failure(let refusal): return refuse(site, task: request.taskID, round: nil, refusal)
        case .success:
            log.warning("site-failed-task", ["site": site.name, "task": request.taskID, "reason": request.reason])
            return Self.receipt(accepted: true, reason: "")
        }
    }

    private func refuse(_ site: SiteID, task: String, round: Int?, _ refusal: AnswerRefusal) -> Cohort_Deployment_V1_Receipt {
        log.warning("answer-rejected", ["site": site.name, "round": round.map(String.init) ?? "-", "task": task, "reason": refusal.description])
        return Self.receipt(accepted: false, reason: refusal.description)
    }

    static func receipt(accepted: Bool, reason: String) -> Cohort_Deployment_V1_Receipt {
        var receipt = Cohort_Deployment_V1_Receipt()
        receipt.accepted = accepted
        receipt.reason = reason
        return receipt
    }
}

/// Moves a value into the one child task that uses it from then on (the control channel's
/// inbound iterator, after the handler read Hello from it).
final class Handover<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
