/// Applies a site's policy and its steward's approvals at the three moments that matter:
/// when a study's plan arrives (`review`), before any row is read for a round (`admit`), and
/// before an update leaves the site (`release`). Each answer is allow, or a refusal naming
/// the rule; the caller logs it (`SiteAuditor.refused`) and reports it to the coordinator.
///
/// Pure and synchronous: the gate holds no state, so the same inputs always get the same
/// answer and a test can drive it without a study.
public struct SitePolicyGate: Sendable {
    public let policy: SitePolicy
    public let approvals: PlanApprovals

    public init(policy: SitePolicy, approvals: PlanApprovals) {
        self.policy = policy
        self.approvals = approvals
    }

    /// Whether this site may take part in `plan` at all, for the coordinator identified by
    /// its certificate fingerprint (nil where deployment has not issued one).
    public func review(_ plan: TrainingPlan, coordinator: String? = nil) -> PolicyDecision {
        if !policy.allowedCoordinators.isEmpty {
            guard let coordinator, let fingerprint = CertificateFingerprint.normalized(coordinator) else {
                return refuse("allowed_coordinators", "the coordinator presented no certificate fingerprint, and this site accepts only listed coordinators")
            }
            guard policy.allowedCoordinators.contains(fingerprint) else {
                return refuse("allowed_coordinators", "coordinator certificate \(fingerprint.prefix(16))... is not in this site's allowed list")
            }
        }
        guard let approval = approvals.approval(of: plan.planHash) else {
            let other = approvals.approvals.last { $0.study == plan.study }
            let hint = other.map { "; the steward approved plan \($0.planHash.prefix(12))... for this study, so the plan has changed since" } ?? ""
            return refuse("plan_approval", "plan \(plan.planHash.prefix(12))... of study '\(plan.study)' has not been approved by the data steward\(hint)")
        }
        guard approval.study == plan.study else {
            return refuse("plan_approval", "plan \(plan.planHash.prefix(12))... was approved for study '\(approval.study)', not '\(plan.study)'")
        }
        return reviewRules(plan)
    }

    /// The policy's rules alone, approval aside: what a steward checks before approving.
    public func reviewRules(_ plan: TrainingPlan) -> PolicyDecision {
        guard policy.allowedModels.contains(plan.modelKind) else {
            return refuse("allowed_models", "model '\(plan.model)' is not allowed (allowed: \(policy.allowedModels.sorted().joined(separator: ", ")))")
        }
        if let limit = policy.maxParameters, plan.parameterCount > limit {
            return refuse("max_parameters", "the model has \(plan.parameterCount) parameters, more than the \(limit) allowed")
        }
        if policy.requireSecureAggregation && !plan.secureAggregation {
            return refuse("require_secure_aggregation", "the plan does not use secure aggregation, which this site requires")
        }
        if let rule = policy.differentialPrivacy {
            if rule.required && plan.privacy == nil {
                return refuse("differential_privacy.required", "the plan trains without DP-SGD, which this site requires")
            }
            if let dp = plan.privacy {
                if dp.delta > rule.delta {
                    return refuse(
                        "differential_privacy.delta",
                        "the plan's delta \(CanonicalJSON.number(dp.delta)) is weaker than the site's \(CanonicalJSON.number(rule.delta))")
                }
                if let target = dp.targetEpsilon, target > rule.maxEpsilon {
                    return refuse(
                        "differential_privacy.max_epsilon",
                        "the plan targets epsilon \(CanonicalJSON.number(target)), more than the site's \(CanonicalJSON.number(rule.maxEpsilon))")
                }
            }
        }
        return .allow
    }

    /// Whether the site may run this round: the plan passes `review`, the round's terms are
    /// the plan's, and the site holds enough rows. Checked before any row is read.
    public func admit(_ terms: RoundTerms, under plan: TrainingPlan, trainingRows: Int, coordinator: String? = nil) -> PolicyDecision {
        if case .refuse(let refusal) = review(plan, coordinator: coordinator) { return .refuse(refusal) }
        guard terms.study == plan.study else {
            return refuse("plan_terms", "the round belongs to study '\(terms.study)', the approved plan to '\(plan.study)'")
        }
        if let difference = difference(terms, plan) {
            return refuse("plan_terms", "round \(terms.round) departs from the approved plan: \(difference)")
        }
        if trainingRows < policy.minRowsPerUpdate {
            return refuse("min_rows_per_update", "the update would be computed on \(trainingRows) rows, fewer than the \(policy.minRowsPerUpdate) required")
        }
        return .allow
    }

    /// Whether `update` may leave the site. The last line of defence: checks what was
    /// actually computed, whatever the plan said.
    public func release(_ update: OutgoingUpdate, under plan: TrainingPlan) -> PolicyDecision {
        if update.rows < policy.minRowsPerUpdate {
            return refuse("min_rows_per_update", "the update was computed on \(update.rows) rows, fewer than the \(policy.minRowsPerUpdate) required")
        }
        if update.parameterCount != plan.parameterCount {
            return refuse("plan_terms", "the update has \(update.parameterCount) parameters, the approved plan's model \(plan.parameterCount)")
        }
        if let limit = policy.maxParameters, update.parameterCount > limit {
            return refuse("max_parameters", "the update has \(update.parameterCount) parameters, more than the \(limit) allowed")
        }
        if policy.requireSecureAggregation && !update.secureAggregation {
            return refuse("require_secure_aggregation", "the update would leave without secure aggregation")
        }
        if let rule = policy.differentialPrivacy {
            if rule.required && !update.differentiallyPrivate {
                return refuse("differential_privacy.required", "the update was trained without DP-SGD")
            }
            if let epsilon = update.epsilonAfter, epsilon > rule.maxEpsilon {
                return refuse(
                    "differential_privacy.max_epsilon",
                    "the site's epsilon would reach \(CanonicalJSON.number(epsilon)), over its budget of \(CanonicalJSON.number(rule.maxEpsilon)) at delta \(CanonicalJSON.number(rule.delta))"
                )
            }
        }
        return .allow
    }

    /// The first setting where the round differs from the plan, in words.
    private func difference(_ terms: RoundTerms, _ plan: TrainingPlan) -> String? {
        if terms.localSteps != plan.localSteps { return "local_steps \(terms.localSteps), approved \(plan.localSteps)" }
        if terms.batchSize != plan.batchSize { return "batch_size \(terms.batchSize), approved \(plan.batchSize)" }
        if terms.optimizer != plan.optimizer { return "optimizer \(terms.optimizer), approved \(plan.optimizer)" }
        if !close(terms.learningRate, plan.learningRate) {
            return "learning_rate \(CanonicalJSON.number(terms.learningRate)), approved \(CanonicalJSON.number(plan.learningRate))"
        }
        for (key, approved) in plan.strategyParameters.sorted(by: { $0.key < $1.key }) {
            let asked = terms.strategyParameters[key] ?? 0
            if !close(asked, approved) { return "\(key) \(CanonicalJSON.number(asked)), approved \(CanonicalJSON.number(approved))" }
        }
        switch (terms.privacy, plan.privacy) {
        case (nil, nil): return nil
        case (nil, _?): return "the round trains without the approved DP-SGD"
        case (_?, nil): return "the round asks for DP-SGD the plan does not have"
        case (let asked?, let approved?):
            if !close(asked.clipNorm, approved.clipNorm) || !close(asked.delta, approved.delta)
                || !close(asked.expectedBatchSize, approved.expectedBatchSize)
                || !close(asked.noiseMultiplier ?? -1, approved.noiseMultiplier ?? -1)
                || !close(asked.targetEpsilon ?? -1, approved.targetEpsilon ?? -1)
            {
                return "DP-SGD \(asked.summary), approved \(approved.summary)"
            }
            return nil
        }
    }

    private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    private func refuse(_ rule: String, _ reason: String) -> PolicyDecision { .refuse(PolicyRefusal(rule: rule, reason: reason)) }
}
