/// How an event is laid out in a trail line: its kind, the study, round and site it concerns
/// (top-level, so filters need not know every event), and the rest as fields.
public struct AuditEventLayout: Hashable, Sendable {
    public var kind: AuditEventKind
    public var study: String?
    public var round: Int?
    public var site: String?
    public var fields: AuditFields
}

extension AuditEvent {
    public var kind: AuditEventKind { layout.kind }
    public var study: String? { layout.study }
    public var round: Int? { layout.round }
    /// The site the event is about (for a site's own trail, usually itself).
    public var site: String? { layout.site }

    public var layout: AuditEventLayout {
        var f = AuditFields()
        switch self {
        case .trailStarted(let participant, let role, let publicKey, let fingerprint):
            f.set("participant", participant)
            f.set("role", role.rawValue)
            f.set("public_key", publicKey)
            f.set("certificate_fingerprint", fingerprint)
            return AuditEventLayout(kind: .trailStarted, fields: f)
        case .studyCreated(let study, let planHash, let coordinator):
            f.set("plan_hash", planHash)
            f.set("coordinator", coordinator)
            return AuditEventLayout(kind: .studyCreated, study: study, fields: f)
        case .studyApproved(let study, let planHash, let approvedBy):
            f.set("plan_hash", planHash)
            f.set("approved_by", approvedBy)
            return AuditEventLayout(kind: .studyApproved, study: study, fields: f)
        case .siteJoined(let study, let site, let publicKey, let fingerprint):
            f.set("public_key", publicKey)
            f.set("certificate_fingerprint", fingerprint)
            return AuditEventLayout(kind: .siteJoined, study: study, site: site, fields: f)
        case .siteLeft(let study, let site, let reason):
            f.set("reason", reason)
            return AuditEventLayout(kind: .siteLeft, study: study, site: site, fields: f)
        case .roundStarted(let study, let round, let participants):
            f.set("participants", participants)
            return AuditEventLayout(kind: .roundStarted, study: study, round: round, fields: f)
        case .roundFinished(let study, let round, let contributors, let accepted):
            f.set("contributors", contributors)
            f.set("accepted", accepted)
            return AuditEventLayout(kind: .roundFinished, study: study, round: round, fields: f)
        case .instructionsReceived(let i):
            f.set("coordinator", i.coordinator)
            f.set("plan_hash", i.planHash)
            f.set("local_steps", i.localSteps)
            f.set("batch_size", i.batchSize)
            f.set("optimizer", i.optimizer)
            f.set("learning_rate", i.learningRate)
            f.set("privacy", i.privacy)
            return AuditEventLayout(kind: .instructionsReceived, study: i.study, round: i.round, site: i.site, fields: f)
        case .updateSent(let u):
            f.set("rows", u.rows)
            f.set("bytes", u.bytes)
            f.set("payload_sha256", u.payloadSHA256)
            f.set("secure_aggregation", u.secureAggregation)
            if let p = u.privacy {
                var dp = AuditFields()
                dp.set("noise_multiplier", p.noiseMultiplier)
                dp.set("sampling_rate", p.samplingRate)
                dp.set("steps", p.steps)
                dp.set("clip_norm", p.clipNorm)
                dp.set("delta", p.delta)
                dp.set("epsilon_after", p.epsilonAfter)
                f.set("dp", .object(dp))
            }
            return AuditEventLayout(kind: .updateSent, study: u.study, round: u.round, site: u.site, fields: f)
        case .roundProblem(let study, let round, let reason):
            f.set("reason", reason)
            return AuditEventLayout(kind: .roundProblem, study: study, round: round, fields: f)
        case .evaluationSent(let study, let round, let site, let rows):
            f.set("rows", rows)
            return AuditEventLayout(kind: .evaluationSent, study: study, round: round, site: site, fields: f)
        case .trailWitnessed(let study, let round, let participant, let sequence, let entryHash):
            f.set("participant", participant)
            f.set("sequence", sequence)
            f.set("entry_hash", entryHash)
            return AuditEventLayout(kind: .trailWitnessed, study: study, round: round, fields: f)
        case .updateAccepted(let study, let round, let site, let rows, let epsilon):
            f.set("rows", rows)
            f.set("epsilon", epsilon)
            return AuditEventLayout(kind: .updateAccepted, study: study, round: round, site: site, fields: f)
        case .updateRejected(let study, let round, let site, let reason):
            f.set("reason", reason)
            return AuditEventLayout(kind: .updateRejected, study: study, round: round, site: site, fields: f)
        case .updateRefused(let study, let round, let site, let rule, let reason):
            f.set("rule", rule)
            f.set("reason", reason)
            return AuditEventLayout(kind: .updateRefused, study: study, round: round, site: site, fields: f)
        case .siteFailed(let study, let round, let site, let reason):
            f.set("reason", reason)
            return AuditEventLayout(kind: .siteFailed, study: study, round: round, site: site, fields: f)
        case .checkpointWritten(let study, let round, let path, let sha256, let bytes):
            f.set("path", path)
            f.set("sha256", sha256)
            f.set("bytes", bytes)
            return AuditEventLayout(kind: .checkpointWritten, study: study, round: round, fields: f)
        case .dataPrepared(let d):
            f.set("schema_hash", d.schemaHash)
            f.set("training_rows", d.trainingRows)
            f.set("test_rows", d.testRows)
            f.set("excluded_rows", d.excludedRows)
            return AuditEventLayout(kind: .dataPrepared, study: d.study, site: d.site, fields: f)
        case .policyChanged(let policyHash, let previousHash, let changedBy, let source):
            f.set("policy_hash", policyHash)
            f.set("previous_hash", previousHash)
            f.set("changed_by", changedBy)
            f.set("source", source)
            return AuditEventLayout(kind: .policyChanged, fields: f)
        case .planApproved(let study, let planHash, let approvedBy, let note):
            f.set("plan_hash", planHash)
            f.set("approved_by", approvedBy)
            f.set("note", note)
            return AuditEventLayout(kind: .planApproved, study: study, fields: f)
        case .siteQuarantined(let study, let round, let site, let reason):
            f.set("reason", reason)
            return AuditEventLayout(kind: .siteQuarantined, study: study, round: round, site: site, fields: f)
        case .siteReinstated(let study, let site, let by):
            f.set("by", by)
            return AuditEventLayout(kind: .siteReinstated, study: study, site: site, fields: f)
        case .operatorLogin(let name, let method):
            f.set("operator", name)
            f.set("method", method)
            return AuditEventLayout(kind: .operatorLogin, fields: f)
        case .operatorAction(let name, let action, let detail):
            f.set("operator", name)
            f.set("action", action)
            f.set("detail", detail)
            return AuditEventLayout(kind: .operatorAction, fields: f)
        case .trailRecovered(let bytes, let sha256, let by):
            f.set("discarded_bytes", bytes)
            f.set("discarded_sha256", sha256)
            f.set("by", by)
            return AuditEventLayout(kind: .trailRecovered, fields: f)
        }
    }

    /// Rebuilds an event from its layout, as read back from a trail line.
    public init(_ layout: AuditEventLayout) throws(AuditEventDecodingError) {
        let f = layout.fields
        func need<T>(_ value: T?, _ key: String) throws(AuditEventDecodingError) -> T {
            guard let value else { throw AuditEventDecodingError(kind: layout.kind, missing: key) }
            return value
        }
        let study = { () throws(AuditEventDecodingError) -> String in try need(layout.study, "study") }
        let round = { () throws(AuditEventDecodingError) -> Int in try need(layout.round, "round") }
        let site = { () throws(AuditEventDecodingError) -> String in try need(layout.site, "site") }
        switch layout.kind {
        case .trailStarted:
            guard let role = ParticipantRole(rawValue: try need(f.string("role"), "role")) else {
                throw AuditEventDecodingError(kind: layout.kind, missing: "role")
            }
            self = .trailStarted(
                participant: try need(f.string("participant"), "participant"), role: role,
                publicKey: try need(f.string("public_key"), "public_key"),
                certificateFingerprint: f.string("certificate_fingerprint"))
        case .studyCreated:
            self = .studyCreated(
                study: try study(), planHash: try need(f.string("plan_hash"), "plan_hash"),
                coordinator: try need(f.string("coordinator"), "coordinator"))
        case .studyApproved:
            self = .studyApproved(
                study: try study(), planHash: try need(f.string("plan_hash"), "plan_hash"),
                approvedBy: try need(f.string("approved_by"), "approved_by"))
        case .siteJoined:
            self = .siteJoined(
                study: try study(), site: try site(), publicKey: f.string("public_key"),
                certificateFingerprint: f.string("certificate_fingerprint"))
        case .siteLeft:
            self = .siteLeft(study: try study(), site: try site(), reason: try need(f.string("reason"), "reason"))
        case .roundStarted:
            self = .roundStarted(study: try study(), round: try round(), participants: try need(f.strings("participants"), "participants"))
        case .roundFinished:
            self = .roundFinished(
                study: try study(), round: try round(), contributors: try need(f.strings("contributors"), "contributors"),
                accepted: try need(f.bool("accepted"), "accepted"))
        case .instructionsReceived:
            self = .instructionsReceived(
                ReceivedInstructions(
                    study: try study(), round: try round(), site: try site(), coordinator: try need(f.string("coordinator"), "coordinator"),
                    planHash: f.string("plan_hash"), localSteps: try need(f.integer("local_steps"), "local_steps"),
                    batchSize: try need(f.integer("batch_size"), "batch_size"), optimizer: try need(f.string("optimizer"), "optimizer"),
                    learningRate: try need(f.number("learning_rate"), "learning_rate"), privacy: f.string("privacy")))
        case .updateSent:
            var privacy: UpdatePrivacy?
            if let dp = f.object("dp") {
                privacy = UpdatePrivacy(
                    noiseMultiplier: try need(dp.number("noise_multiplier"), "dp.noise_multiplier"),
                    samplingRate: try need(dp.number("sampling_rate"), "dp.sampling_rate"),
                    steps: try need(dp.integer("steps"), "dp.steps"), clipNorm: dp.number("clip_norm"),
                    delta: dp.number("delta"), epsilonAfter: dp.number("epsilon_after"))
            }
            self = .updateSent(
                SentUpdate(
                    study: try study(), round: try round(), site: try site(), rows: try need(f.integer("rows"), "rows"),
                    bytes: try need(f.integer("bytes"), "bytes"),
                    payloadSHA256: try need(f.string("payload_sha256"), "payload_sha256"),
                    secureAggregation: try need(f.bool("secure_aggregation"), "secure_aggregation"),
                    privacy: privacy))
        case .roundProblem:
            self = .roundProblem(study: try study(), round: try round(), reason: try need(f.string("reason"), "reason"))
        case .evaluationSent:
            self = .evaluationSent(study: try study(), round: try round(), site: try site(), rows: try need(f.integer("rows"), "rows"))
        case .trailWitnessed:
            self = .trailWitnessed(
                study: try study(), round: try round(), participant: try need(f.string("participant"), "participant"),
                sequence: try need(f.integer("sequence"), "sequence"), entryHash: try need(f.string("entry_hash"), "entry_hash"))
        case .updateAccepted:
            self = .updateAccepted(study: try study(), round: try round(), site: try site(), rows: f.integer("rows"), epsilon: f.number("epsilon"))
        case .updateRejected:
            self = .updateRejected(study: try study(), round: try round(), site: try site(), reason: try need(f.string("reason"), "reason"))
        case .updateRefused:
            self = .updateRefused(
                study: try study(), round: try round(), site: try site(), rule: try need(f.string("rule"), "rule"),
                reason: try need(f.string("reason"), "reason"))
        case .siteFailed:
            self = .siteFailed(study: try study(), round: try round(), site: try site(), reason: try need(f.string("reason"), "reason"))
        case .checkpointWritten:
            self = .checkpointWritten(
                study: try study(), round: try round(), path: try need(f.string("path"), "path"),
                sha256: try need(f.string("sha256"), "sha256"), bytes: try need(f.integer("bytes"), "bytes"))
        case .dataPrepared:
            self = .dataPrepared(
                PreparedData(
                    study: try study(), site: try site(), schemaHash: try need(f.string("schema_hash"), "schema_hash"),
                    trainingRows: try need(f.integer("training_rows"), "training_rows"),
                    testRows: try need(f.integer("test_rows"), "test_rows"),
                    excludedRows: try need(f.integer("excluded_rows"), "excluded_rows")))
        case .policyChanged:
            self = .policyChanged(
                policyHash: try need(f.string("policy_hash"), "policy_hash"), previousHash: f.string("previous_hash"),
                changedBy: try need(f.string("changed_by"), "changed_by"), source: try need(f.string("source"), "source"))
        case .planApproved:
            self = .planApproved(
                study: try study(), planHash: try need(f.string("plan_hash"), "plan_hash"),
                approvedBy: try need(f.string("approved_by"), "approved_by"), note: f.string("note"))
        case .siteQuarantined:
            self = .siteQuarantined(study: try study(), round: try round(), site: try site(), reason: try need(f.string("reason"), "reason"))
        case .siteReinstated:
            self = .siteReinstated(study: try study(), site: try site(), by: try need(f.string("by"), "by"))
        case .operatorLogin:
            self = .operatorLogin(operator: try need(f.string("operator"), "operator"), method: try need(f.string("method"), "method"))
        case .operatorAction:
            self = .operatorAction(
                operator: try need(f.string("operator"), "operator"), action: try need(f.string("action"), "action"),
                detail: f.string("detail"))
        case .trailRecovered:
            self = .trailRecovered(
                discardedBytes: try need(f.integer("discarded_bytes"), "discarded_bytes"),
                discardedSHA256: try need(f.string("discarded_sha256"), "discarded_sha256"), by: try need(f.string("by"), "by"))
        }
    }
}

/// An entry whose event lacks a field its type requires.
public struct AuditEventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: AuditEventKind
    public var missing: String
    public var description: String { "\(kind.rawValue) entry lacks '\(missing)'" }
}
