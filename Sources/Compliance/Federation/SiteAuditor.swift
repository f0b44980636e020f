import Federation

/// Logs a site's side of a study on the site's own trail: what it was asked to do, what
/// left, and what its policy refused. The site agent (or, in simulation, the
/// `AuditingTransport` standing in for it) calls it around every round.
public struct SiteAuditor: Sendable {
    public let trail: AuditTrail
    public let site: String
    /// Who sends the work: the coordinator's name (or certificate fingerprint).
    public var coordinator: String

    public init(trail: AuditTrail, site: String, coordinator: String = "coordinator") {
        self.trail = trail
        self.site = site
        self.coordinator = coordinator
    }

    public func instructionsReceived(_ request: TrainingRequest, planHash: String?) throws(AuditError) {
        let terms = RoundTerms(request)
        try trail.append(
            .instructionsReceived(
                ReceivedInstructions(
                    study: request.study, round: request.round, site: site, coordinator: coordinator, planHash: planHash,
                    localSteps: terms.localSteps, batchSize: terms.batchSize, optimizer: terms.optimizer, learningRate: terms.learningRate,
                    privacy: terms.privacy?.summary)))
    }

    /// Records an update as it leaves: size, SHA-256 of the payload, rows, DP parameters and
    /// the site's epsilon after the round, and whether secure aggregation carries it. A sealed
    /// answer carries no values (its hash is that of the empty clear payload): its size is the
    /// model's, which leaves masked through the secure sum.
    @discardableResult
    public func updateSent(_ update: SiteUpdate, request: TrainingRequest) throws(AuditError) -> SentUpdate {
        let payload = UpdatePayload(update)
        let outgoing = OutgoingUpdate(update, answering: request)
        let bytes = outgoing.secureAggregation ? outgoing.parameterCount * MemoryLayout<Float>.size : payload.bytes
        let privacy = update.privacy.map { spend in
            UpdatePrivacy(
                noiseMultiplier: spend.noiseMultiplier, samplingRate: spend.samplingRate, steps: spend.steps,
                clipNorm: request.instructions.privacy.map { TrainingPlan.decimal($0.clipNorm) },
                delta: request.instructions.privacy?.delta, epsilonAfter: update.cumulativeEpsilon)
        }
        let sent = SentUpdate(
            study: update.study, round: update.round, site: site, rows: update.sampleCount, bytes: bytes,
            payloadSHA256: payload.sha256, secureAggregation: outgoing.secureAggregation, privacy: privacy)
        try trail.append(.updateSent(sent))
        return sent
    }

    public func refused(_ refusal: PolicyRefusal, study: String, round: Int) throws(AuditError) {
        try trail.append(.updateRefused(study: study, round: round, site: site, rule: refusal.rule, reason: refusal.reason))
    }
}
