import CohortTestSupport
import Foundation
import Testing

@testable import Compliance

@Suite struct PlanGateTests {
    let plan = try! TrainingPlan(contentsOf: Fixtures.url("plan.json"))
    let policy = try! SitePolicy(contentsOf: Fixtures.url("site-policy.yaml"))

    private func terms(round: Int = 1, localSteps: Int? = nil, learningRate: Double? = nil) -> RoundTerms {
        RoundTerms(
            study: plan.study, round: round, localSteps: localSteps ?? plan.localSteps, batchSize: plan.batchSize,
            optimizer: plan.optimizer, learningRate: learningRate ?? plan.learningRate, strategyParameters: plan.strategyParameters)
    }

    /// A gate whose steward approved `approved` (in a real, signed approvals trail).
    private func gate(approving approved: TrainingPlan?, policy: SitePolicy? = nil) throws -> (SitePolicyGate, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let signer = AuditSigner.make("site-0", role: .steward)
        let policy = policy ?? self.policy
        guard let approved else { return (SitePolicyGate(policy: policy, approvals: .none), directory) }
        let url = directory.path("approvals.jsonl")
        try PlanApprovals.approve(approved, under: policy, by: "Dr. Ana Ruiz", note: "IRB-2025-17", trail: url, signer: signer)
        return (SitePolicyGate(policy: policy, approvals: try PlanApprovals.load(at: url, trustedKey: signer.identity.publicKey)), directory)
    }

    @Test func thePlanHashIsCanonical() throws {
        // Whitespace and key order in the file do not matter; the hash covers values only.
        let reordered =
            "{\"study\":\"heart-2025\",\"schema_hash\":\"\(plan.schemaHash)\",\"secure_aggregation\":false,\"privacy\":null,"
            + "\"optimizer_parameters\":{\"momentum\":0},\"learning_rate\":0.001,\"optimizer\":\"sgd\",\"batch_size\":8,\"local_steps\":50,"
            + "\"rounds\":20,\"aggregation\":\"mean\",\"strategy_parameters\":{\"mu\":0.01},\"strategy\":\"fedprox\",\"parameter_count\":14,\"model\":\"logistic\"}"
        #expect(try TrainingPlan(json: Data(reordered.utf8)).planHash == plan.planHash)
        #expect(try TrainingPlan(json: Data(plan.fileContents.utf8)) == plan)
        #expect(plan.planHash.count == 64)
    }

    @Test func changingOneHyperParameterChangesTheHash() {
        var changes: [TrainingPlan] = []
        var p = plan
        p.learningRate = 0.0011
        changes.append(p)
        p = plan
        p.localSteps = 51
        changes.append(p)
        p = plan
        p.batchSize = 16
        changes.append(p)
        p = plan
        p.strategyParameters["mu"] = 0.02
        changes.append(p)
        p = plan
        p.privacy = PlanPrivacy(clipNorm: 1, noiseMultiplier: 1.1, expectedBatchSize: 8, delta: 1e-5)
        changes.append(p)
        p = plan
        p.secureAggregation = true
        changes.append(p)
        p = plan
        p.schemaHash = String(repeating: "0", count: 64)
        changes.append(p)
        let hashes = Set(changes.map(\.planHash) + [plan.planHash])
        #expect(hashes.count == changes.count + 1)
    }

    @Test func aPlanFileWithAnUnknownKeyIsRefused() {
        let text = plan.canonicalJSON.replacingOccurrences(of: "{\"aggregation\"", with: "{\"dropout\":0.5,\"aggregation\"")
        #expect { try TrainingPlan(json: Data(text.utf8)) } throws: { error in
            (error as? TrainingPlanError)?.reason.contains("unknown key 'dropout'") == true
        }
    }

    @Test func theSiteRefusesAnUnapprovedPlan() throws {
        let (gate, _) = try gate(approving: nil)
        let refusal = try #require(gate.review(plan).refusal)
        #expect(refusal.rule == "plan_approval")
        #expect(gate.admit(terms(), under: plan, trainingRows: 500).refusal?.rule == "plan_approval")
    }

    @Test func theSiteRunsTheApprovedPlan() throws {
        let (gate, _) = try gate(approving: plan)
        #expect(gate.review(plan) == .allow)
        #expect(gate.admit(terms(), under: plan, trainingRows: 500) == .allow)
        #expect(gate.approvals.approval(of: plan.planHash)?.approvedBy == "Dr. Ana Ruiz")
        #expect(gate.approvals.policyHash == policy.policyHash)
    }

    @Test func aPlanChangedByOneHyperParameterIsRefused() throws {
        let (gate, _) = try gate(approving: plan)
        var changed = plan
        changed.learningRate = 0.01
        let refusal = try #require(gate.review(changed).refusal)
        #expect(refusal.rule == "plan_approval")
        #expect(refusal.reason.contains("has changed"))
    }

    @Test func aRoundThatDepartsFromTheApprovedPlanIsRefused() throws {
        let (gate, _) = try gate(approving: plan)
        let refusal = try #require(gate.admit(terms(localSteps: 500), under: plan, trainingRows: 500).refusal)
        #expect(refusal.rule == "plan_terms")
        #expect(refusal.reason.contains("local_steps 500"))
        #expect(gate.admit(terms(learningRate: 0.5), under: plan, trainingRows: 500).refusal?.rule == "plan_terms")
    }

    @Test func tooFewRowsAreRefusedBeforeTrainingAndBeforeSending() throws {
        let (gate, _) = try gate(approving: plan)
        #expect(gate.admit(terms(), under: plan, trainingRows: 20) == .allow)
        let before = try #require(gate.admit(terms(), under: plan, trainingRows: 19).refusal)
        #expect(before.rule == "min_rows_per_update")
        let update = OutgoingUpdate(
            study: plan.study, round: 1, rows: 19, parameterCount: 14, differentiallyPrivate: false,
            epsilonAfter: nil, secureAggregation: false)
        #expect(gate.release(update, under: plan).refusal?.rule == "min_rows_per_update")
        var enough = update
        enough.rows = 20
        #expect(gate.release(enough, under: plan) == .allow)
    }

    @Test func thePolicyLimitsApplyToApprovedPlansToo() throws {
        var strict = policy
        strict.allowedModels = ["mlp"]
        strict.requireSecureAggregation = true
        strict.differentialPrivacy = DifferentialPrivacyRule(required: true, maxEpsilon: 1, delta: 1e-5)
        let (gate, _) = try gate(approving: plan, policy: strict)
        #expect(gate.review(plan).refusal?.rule == "allowed_models")
        var mlp = plan
        mlp.model = "mlp:16"
        #expect(gate.review(mlp).refusal?.rule == "plan_approval")
        let spent = OutgoingUpdate(
            study: plan.study, round: 3, rows: 100, parameterCount: 14, differentiallyPrivate: true,
            epsilonAfter: 1.5, secureAggregation: true)
        #expect(gate.release(spent, under: plan).refusal?.rule == "differential_privacy.max_epsilon")
    }

    @Test func onlyListedCoordinatorsAreServed() throws {
        var pinned = policy
        let allowed = String(repeating: "c", count: 64)
        pinned.allowedCoordinators = [allowed]
        let (gate, _) = try gate(approving: plan, policy: pinned)
        #expect(gate.review(plan, coordinator: "SHA256:" + allowed.uppercased()) == .allow)
        #expect(gate.review(plan, coordinator: String(repeating: "d", count: 64)).refusal?.rule == "allowed_coordinators")
        #expect(gate.review(plan, coordinator: nil).refusal?.rule == "allowed_coordinators")
    }

    @Test func aTamperedApprovalsTrailIsNotTrusted() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("approvals.jsonl")
        let signer = AuditSigner.make("site-0", role: .steward)
        try PlanApprovals.approve(plan, under: policy, by: "Dr. Ana Ruiz", trail: url, signer: signer)
        var other = plan
        other.rounds = 500
        // Append a forged approval by copying the approval line with another plan hash.
        var stored = lines(of: url)
        stored.append(stored.last!.replacingOccurrences(of: plan.planHash, with: other.planHash))
        write(stored, to: url)
        #expect(throws: AuditError.self) { try PlanApprovals.load(at: url, trustedKey: signer.identity.publicKey) }
    }
}
