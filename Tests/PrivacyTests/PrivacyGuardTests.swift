import Federation
import Foundation
import Learning
import Testing

@testable import Privacy

/// The budget as Federation's `PrivacyGuard`: what `Site` calls around every DP-SGD round.
@Suite struct PrivacyGuardTests {
    let policy = try! PrivacyPolicy(maxEpsilon: 3, delta: 1e-5)

    func spend(_ round: Int, study: String = "dp", steps: Int = 5) -> PrivacySpend {
        PrivacySpend(study: study, round: round, samplingRate: 0.1, noiseMultiplier: Double(Float(1.1)), steps: steps)
    }

    /// ε for q = 0.1, σ = Float(1.1), δ = 1e-5 (dp-accounting 0.6.0): 5 steps 2.38996, 10 steps
    /// 2.83798, 15 steps 3.19126. A policy of 3 allows two 5-step rounds, not a third.
    @Test func authorizeCommitAndRefuse() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: "site-0", policy: policy, ledger: url, opening: .new)
            let guardian: any PrivacyGuard = budget
            try await guardian.authorize(spend(1))
            #expect(abs(try await guardian.commit(spend(1)) - 2.389963940873785) < 1e-9)
            try await guardian.authorize(spend(2))
            #expect(abs(try await guardian.commit(spend(2)) - 2.8379846102749475) < 1e-9)
            await #expect {
                try await guardian.authorize(spend(3))
            } throws: { error in
                guard let refusal = error as? PrivacyBudgetRefusal else { return false }
                let reason = refusal.description
                return !refusal.decision.isAllowed && abs(refusal.decision.after.epsilon - 3.191257874945488) < 1e-9
                    && reason.contains("round 3 of study 'dp'") && reason.contains("would be exceeded")
                    && reason.contains("noise multiplier of at least") && !reason.contains("\n")
            }
            #expect(try PrivacyLedger.read(from: url).entries.count == 2, "the refused round left no line")
            #expect(await budget.reservedCharges.isEmpty, "committed rounds hold no reservation")
        }
    }

    @Test func invalidSpendIsRefusedWithTheParameterNamed() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: "site-0", policy: policy, ledger: url, opening: .new)
            let bad = PrivacySpend(study: "dp", round: 1, samplingRate: 0.1, noiseMultiplier: 0, steps: 5)
            await #expect(throws: PrivacyAccountingError.invalidNoiseMultiplier(0)) { try await budget.authorize(bad) }
            await #expect(throws: PrivacyAccountingError.invalidNoiseMultiplier(0)) { try await budget.commit(bad) }
        }
    }

    /// A retried round replaces its own reservation instead of counting twice.
    @Test func retriedAuthorizationDoesNotDoubleCount() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: "site-0", policy: policy, ledger: url, opening: .new)
            try await budget.authorize(spend(1, steps: 10))
            try await budget.authorize(spend(1, steps: 10))
            #expect(await budget.reservedCharges.count == 1)
            #expect(await budget.canSpend(try PrivacyCharge(spend(1, steps: 10))).isAllowed, "its own reservation is not counted against it")
            #expect(!(await budget.canSpend(try PrivacyCharge(spend(2, steps: 5))).isAllowed), "but it is against other rounds")
        }
    }

    /// End to end: a federated study in which one site's ledger runs out. The site declines the
    /// round before training, the coordinator records why, and the ledger holds what was spent.
    @Test func aSimulatedStudyStopsAtTheSitesBudget() async throws {
        try await withLedgerPath { url in
            let sites = Self.syntheticSites()
            // 60 training rows and an expected batch of 6: q = 0.1.
            let privacy = LocalPrivacy(clipNorm: 1, noise: .multiplier(1.1), expectedBatchSize: 6, delta: 1e-5)
            let configuration = StudyConfiguration(
                studyID: "dp", rounds: 3, selection: try SiteSelection(minimumSites: 1),
                training: TrainingInstructions(localSteps: 5, batchSize: 8, optimizer: .sgd(learningRate: 0.1), privacy: privacy), seed: 3)
            let budget = try PrivacyBudget(site: "site-0", policy: policy, ledger: url, opening: .new)
            var simulation = Simulation(sites: sites, model: .logisticRegression, strategy: .fedAvg, configuration: configuration)
            simulation.privacyGuards = ["site-0": budget]
            let outcome = try await simulation.run()
            #expect(outcome.rounds[1].contributors.contains("site-0"))
            #expect(!outcome.rounds[2].contributors.contains("site-0"))
            let failure = try #require(outcome.rounds[2].failures.first { $0.site == "site-0" })
            #expect(failure.reason.contains("privacy budget would be exceeded"))
            let report = await budget.report()
            #expect(report.rounds.map(\.round) == [1, 2])
            // dp-accounting 0.6.0: PoissonSampled(0.1, Gaussian(1.1)) x 10 steps at delta 1e-5.
            #expect(abs(report.epsilon - 2.8379847291259637) < 1e-9)
        }
    }

    /// Two small tabular sites (the Federation tests' synthetic sites, smaller).
    static func syntheticSites() -> [SiteData] {
        var generator = SeededGenerator(seed: 1)
        let truth = (0..<4).map { _ in Float(generator.nextGaussian()) }
        return (0..<2).map { index in
            func split(_ n: Int) -> Dataset {
                var x: [Float] = [], y: [Float] = []
                for _ in 0..<n {
                    let row = (0..<4).map { _ in Float(generator.nextGaussian()) }
                    x += row
                    y.append(zip(row, truth).map(*).reduce(0, +) > 0 ? 1 : 0)
                }
                return Dataset(features: x, labels: y, exampleShape: Shape(4), task: .binary)
            }
            return SiteData(name: "site-\(index)", train: split(60), test: split(20))
        }
    }
}
