import Federation
import Foundation
import Learning

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
    func accept(
        _ header: Cohort_Deployment_V1_UpdateHeader, from site: SiteID, via path: VectorPath,
        readChunks: (inout VectorAssembler) async throws -> Void
    ) async -> Cohort_Deployment_V1_Receipt {
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
            log.info(
                "update-received",
                [
                    "site": site.name, "round": "\(task.round)", "task": task.id,
                    "values": "\(header.parameterCount)", "samples": "\(update.header.sampleCount)",
                    "spooled": "\(update.vectors.isSpooled)", "via": path.rawValue
                ])
            return Self.receipt(accepted: true, reason: "")
        } catch {
            switch error {
            case .interrupted:
                // The site may send it again before the deadline.
                await switchboard.release(task.id)
            case .unstored:
                // The coordinator's own failure (a full or unwritable disk): the operator must
                // act, and the round does not wait for a resend that would fail the same way.
                log.error(
                    "update-not-stored",
                    [
                        "site": site.name, "round": "\(task.round)", "task": task.id, "reason": error.description,
                        "spool_directory": spoolDirectory.path
                    ])
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
    private func receive(
        _ header: Cohort_Deployment_V1_UpdateHeader, for task: OpenTask, from site: SiteID,
        readChunks: (inout VectorAssembler) async throws -> Void
    ) async throws(AnswerRefusal) -> (ReceivedUpdate, UpdateRejection?) {
        guard header.study == task.study, Int(header.round) == task.round else {
            throw .invalid("stale: the update is for study '\(header.study)' round \(header.round), the task for '\(task.study)' round \(task.round)")
        }
        let (sampleCount, training, privacy) = try await counts(of: header, from: site)
        if task.sealed {
            // Secure aggregation: the update stays at the site; only its header comes.
            guard header.parameterCount == 0, header.vectors.isEmpty, !header.includesControlDelta, !header.includesMask else {
                throw .invalid(
                    "the round uses secure aggregation: a sealed answer carries no values, this one announces \(header.parameterCount) (it was discarded)")
            }
        } else if header.parameterCount != UInt64(task.parameterCount) {
            throw .invalid("wrong shape: the update has \(header.parameterCount) values, the model \(task.parameterCount)")
        }
        guard !header.includesControlDelta, !header.includesMask else {
            throw .invalid(
                "the update uses the retired includes_control_delta/includes_mask fields; this coordinator reads the vectors an update declares in UpdateHeader.vectors (upgrade the site)"
            )
        }
        var expected = task.sealed ? [] : [VectorAssembler.Expected(kind: .delta, count: task.parameterCount)]
        for vector in header.vectors {
            let name = VectorName(vector.name)
            guard task.expectedVectors.contains(where: { $0.name == name }) else {
                throw .invalid(UpdateRejection.undeclaredVector(VectorName(String(vector.name.prefix(64)))).description)
            }
            guard vector.count == UInt64(task.parameterCount) else {
                throw .invalid("wrong shape: the update's '\(name.rawValue.prefix(64))' vector has \(vector.count) values, the model \(task.parameterCount)")
            }
            let binary = task.expectedVectors.first { $0.name == name }?.values == .binary
            expected.append(.init(kind: name, count: task.parameterCount, binary: binary))
        }
        try NamedVectors.check(expected.map(\.kind))
        let bytes = expected.map(\.count).reduce(0, +) * VectorBytes.bytesPerValue
        let allowed = limits.updateByteLimit(parameterCount: task.parameterCount, vectors: 1 + task.expectedVectors.count)
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
        var update = SiteUpdate(
            study: header.study, site: site, round: Int(header.round), delta: [],
            sampleCount: sampleCount, training: training)
        update.privacy = privacy
        if header.hasCumulativeEpsilon { update.cumulativeEpsilon = header.cumulativeEpsilon }
        if header.hasTrailHead {
            do { update.trailHead = try header.trailHead.domain(field: "UpdateHeader.trail_head") } catch { throw .invalid("\(error)") }
        }
        return (
            ReceivedUpdate(header: update, vectors: vectors),
            task.sealed ? nil : Self.verdict(update, announced: expected.map(\.kind), expected: task.expectedVectors, seen: assembler)
        )
    }

    /// What Federation's `UpdateCheck` will say of the update, in its order, from what was seen
    /// while receiving (so the receipt says it without reading a spooled update back).
    static func verdict(
        _ update: SiteUpdate, announced: [VectorName], expected: [VectorDeclaration],
        seen assembler: VectorAssembler
    ) -> UpdateRejection? {
        if update.sampleCount <= 0 { return .noSamples }
        if let index = assembler.firstNonFinite[.delta] { return .nonFinite(index: index) }
        if let undeclared = announced.first(where: { name in name != .delta && !expected.contains { $0.name == name } }) {
            return .undeclaredVector(undeclared)
        }
        for declaration in expected {
            guard announced.contains(declaration.name) else { return .missingVector(declaration.name) }
            switch declaration.values {
            case .finite:
                if let index = assembler.firstNonFinite[declaration.name] { return .nonFinite(index: index) }
            case .binary:
                if let index = assembler.notBinary[declaration.name] {
                    return .invalidVector(declaration.name, reason: "must hold only 0 and 1 (index \(index) does not)")
                }
            }
        }
        return nil
    }

    /// The header's integers, each in its field's range, and its sample count within the
    /// training rows the site declared when it joined: a count is the update's weight in the
    /// mean, so an inflated one would let a site outweigh every other.
    private func counts(of header: Cohort_Deployment_V1_UpdateHeader, from site: SiteID)
        async throws(AnswerRefusal) -> (samples: Int, training: TrainingSummary, privacy: PrivacySpend?)
    {
        let samples: Int, training: TrainingSummary, privacy: PrivacySpend?
        do throws(WireInteger.OutOfRange) {
            samples = try WireInteger.count(header.sampleCount, field: "UpdateHeader.sample_count")
            training = try header.training.domain()
            privacy = header.hasPrivacy ? try header.privacy.domain() : nil
        } catch {
            throw .invalid(error.description)
        }
        guard let declared = await switchboard.declaration(of: site)?.trainingRows else {
            throw .invalid("site \(site) declared no training rows (its Hello); an update's weight cannot be bounded")
        }
        guard samples <= declared else {
            throw .invalid(
                "UpdateHeader.sample_count is \(samples), more than the \(declared) training rows site \(site) declared when it joined (DataDescription.training_rows)"
            )
        }
        return (samples, training, privacy)
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
