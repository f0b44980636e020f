import Federation
import Foundation

/// Takes in a site's training answer, whichever way its values travel (gRPC's UploadUpdate or
/// the vector lane): claims the task, checks the header against it, reads the chunks into
/// place (a spool file when large), runs Federation's checks on what was seen while reading,
/// hands the update to the round, and writes the receipt.
struct UpdateIntake: Sendable {
    let switchboard: Switchboard
    let limits: ProtocolLimits
    let log: EventLog
    /// Where large updates are spooled while they wait to be folded.
    var spoolDirectory = FileManager.default.temporaryDirectory

    /// `readChunks` feeds the update's values into the assembler until its end; an
    /// `AnswerRefusal` it throws is the site's fault, anything else a broken transfer.
    func accept(_ header: Cohort_Deployment_V1_UpdateHeader, from site: SiteID, via path: VectorPath,
                readChunks: (inout VectorAssembler) async throws -> Void) async -> Cohort_Deployment_V1_Receipt {
        let task: OpenTask
        switch await switchboard.claim(header.taskID, by: site, kind: .train) {
        case .failure(let refusal): return refuse(site, task: header.taskID, round: Int(header.round), refusal)
        case .success(let claimed): task = claimed
        }
        do throws(AnswerRefusal) {
            let (update, verdict) = try await receive(header, for: task, from: site, readChunks: readChunks)
            // The coordinator validates again; checking here lets the receipt say why.
            if case .failure(let closed) = await switchboard.complete(task.id, with: .update(update)) {
                return refuse(site, task: task.id, round: task.round, closed)
            }
            if let verdict { return refuse(site, task: task.id, round: task.round, .invalid(verdict.description)) }
            log.info("update-received", ["site": site.name, "round": "\(task.round)", "task": task.id,
                                         "values": "\(header.parameterCount)", "samples": "\(update.header.sampleCount)",
                                         "spooled": "\(update.vectors.isSpooled)", "via": path.rawValue])
            return Self.receipt(accepted: true, reason: "")
        } catch {
            switch error {
            case .interrupted:
                // The site may send it again before the deadline.
                await switchboard.release(task.id)
            case .unstored:
                // The coordinator's own failure (a full or unwritable disk): the operator must
                // act, and the round does not wait for a resend that would fail the same way.
                log.error("update-not-stored", ["site": site.name, "round": "\(task.round)", "task": task.id, "reason": error.description,
                                                "spool_directory": spoolDirectory.path])
                await switchboard.abandon(task.id, reason: error.description)
            default:
                // A definite refusal: the round does not wait for this site any longer.
                await switchboard.reject(task.id, reason: error.description)
            }
            return refuse(site, task: task.id, round: task.round, error)
        }
    }

    /// Reads the update's chunks into place, checking its header against the task; returns it
    /// with what `UpdateCheck` will say of it (nil: nothing).
    private func receive(_ header: Cohort_Deployment_V1_UpdateHeader, for task: OpenTask, from site: SiteID,
                         readChunks: (inout VectorAssembler) async throws -> Void) async throws(AnswerRefusal) -> (ReceivedUpdate, UpdateRejection?) {
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
            do { spool = try UpdateSpool(directory: spoolDirectory) } catch { throw .unstored("\(error)") }
        }
        var assembler = VectorAssembler(expecting: expected, maxChunkBytes: limits.chunkBytes, spool: spool)
        do {
            try await readChunks(&assembler)
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

    /// Logs the refusal and returns the receipt that says it.
    func refuse(_ site: SiteID, task: String, round: Int?, _ refusal: AnswerRefusal) -> Cohort_Deployment_V1_Receipt {
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

/// The way an update's values came: gRPC's UploadUpdate or the vector lane (logged with it).
enum VectorPath: String, Sendable {
    case grpc, lane
}
