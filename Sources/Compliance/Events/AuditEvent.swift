/// Something a participant did or saw that an auditor may ask about.
///
/// Every value here is an identifier, a count, a hash or a setting: the vocabulary has no
/// place for a patient-level value, so an audit trail cannot leak one by construction.
/// Reasons are free text written by the software (refusals, rejections), never data.
public enum AuditEvent: Hashable, Sendable {
    /// The first entry of every trail: who writes it and with which key.
    case trailStarted(participant: String, role: ParticipantRole, publicKey: String, certificateFingerprint: String?)
    /// The coordinator set up a study under a training plan.
    case studyCreated(study: String, planHash: String, coordinator: String)
    /// Whoever governs the study (an IRB reference, the principal investigator) approved it.
    case studyApproved(study: String, planHash: String, approvedBy: String)
    case siteJoined(study: String, site: String, publicKey: String?, certificateFingerprint: String?)
    case siteLeft(study: String, site: String, reason: String)
    case roundStarted(study: String, round: Int, participants: [String])
    /// The coordinator's own trouble with a round (too few sites, an aggregation that failed).
    case roundProblem(study: String, round: Int, reason: String)
    /// The coordinator closed a round: who contributed and whether the model moved.
    case roundFinished(study: String, round: Int, contributors: [String], accepted: Bool)
    /// A site received a round's work.
    case instructionsReceived(ReceivedInstructions)
    /// A site let an update leave: what left, and under which protections.
    case updateSent(SentUpdate)
    /// A site sent the coordinator its evaluation of a round's model: aggregate metrics only,
    /// computed on `rows` test rows.
    case evaluationSent(study: String, round: Int, site: String, rows: Int)
    /// Another participant's trail head as it reached this one (a site's head with its update,
    /// the coordinator's with its instructions): what `cohort audit verify --witnessed-by`
    /// holds the other trail to, so that trail cannot be cut back or rewritten unnoticed.
    case trailWitnessed(study: String, round: Int, participant: String, sequence: Int, entryHash: String)
    /// The coordinator folded a site's update into the round.
    case updateAccepted(study: String, round: Int, site: String, rows: Int?, epsilon: Double?)
    /// The coordinator refused a site's update (stale, malformed, impersonated).
    case updateRejected(study: String, round: Int, site: String, reason: String)
    /// A site's policy refused to run a round or to send its update.
    case updateRefused(study: String, round: Int, site: String, rule: String, reason: String)
    /// A site did not answer the round (error, timeout).
    case siteFailed(study: String, round: Int, site: String, reason: String)
    case checkpointWritten(study: String, round: Int, path: String, sha256: String, bytes: Int)
    case dataPrepared(PreparedData)
    case policyChanged(policyHash: String, previousHash: String?, changedBy: String, source: String)
    /// A site's data steward approved a training plan by its hash.
    case planApproved(study: String, planHash: String, approvedBy: String, note: String?)
    case siteQuarantined(study: String, round: Int, site: String, reason: String)
    case siteReinstated(study: String, site: String, by: String)
    case operatorLogin(operator: String, method: String)
    case operatorAction(operator: String, action: String, detail: String?)
    /// An operator moved a torn (half-written) last line aside so the trail can go on.
    case trailRecovered(discardedBytes: Int, discardedSHA256: String, by: String)
}

/// What a participant is in a study.
public enum ParticipantRole: String, Hashable, Sendable, CaseIterable {
    case coordinator
    case site
    /// A site's data steward keeping the plan approvals.
    case steward
}
