import Federation

/// The budget is the site's `PrivacyGuard`: `Site` authorizes before it reads any row and
/// commits after training, before the update leaves the site.
extension PrivacyBudget: PrivacyGuard {
    /// Reserves the round if it fits (so concurrent studies at the site cannot overspend
    /// together); throws `PrivacyBudgetRefusal` if not, or the accountant's error if the spend's
    /// parameters are invalid. A reservation ends when the round is committed, or is replaced
    /// when the same study and round are authorized again.
    public func authorize(_ spend: PrivacySpend) async throws {
        let decision = reserve(try PrivacyCharge(spend))
        guard decision.isAllowed else { throw PrivacyBudgetRefusal(decision) }
    }

    /// Records the round durably and returns the site's cumulative epsilon after it.
    public func commit(_ spend: PrivacySpend) async throws -> Double {
        try record(try PrivacyCharge(spend)).epsilon
    }

    public func release(_ spend: PrivacySpend) async {
        if let charge = try? PrivacyCharge(spend) { release(charge) }
    }

    /// The sigma for a study's whole plan, measured at the policy's delta. A study asking
    /// for a smaller delta than the policy's would get a weaker guarantee than it states, so
    /// it is refused.
    public func noiseMultiplier(forEpsilon epsilon: Double, delta: Double, samplingRate: Double, steps: Int) async throws -> Double {
        guard delta >= policy.delta else {
            throw StudyDeltaMismatch(studyDelta: delta, policyDelta: policy.delta)
        }
        return try NoiseCalibration(epsilon: epsilon, delta: policy.delta, sampleRate: samplingRate, steps: steps).noiseMultiplier
    }
}

extension PrivacyCharge {
    /// The charge for a round a site trains with DP-SGD.
    public init(_ spend: PrivacySpend) throws(PrivacyAccountingError) {
        self.init(
            study: spend.study, round: spend.round,
            mechanism: try SampledGaussianMechanism(
                sampleRate: spend.samplingRate, noiseMultiplier: spend.noiseMultiplier,
                steps: spend.steps))
    }
}

/// A study whose delta is smaller than the one the site's policy measures epsilon at.
public struct StudyDeltaMismatch: Error, CustomStringConvertible {
    public var studyDelta: Double
    public var policyDelta: Double

    public var description: String {
        "the study asks for delta \(studyDelta), but this site's policy measures epsilon at delta \(policyDelta): align the study's delta with the site policy"
    }
}
