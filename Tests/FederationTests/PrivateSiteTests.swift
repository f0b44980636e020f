import CohortTestSupport
import Learning
import Testing

@testable import Federation

/// A stand-in ledger: allows a fixed number of rounds, remembers what was spent.
actor CountingGuard: PrivacyGuard {
    let allowedRounds: Int
    private(set) var committed: [PrivacySpend] = []

    init(allowedRounds: Int) { self.allowedRounds = allowedRounds }

    struct Refusal: Error, CustomStringConvertible {
        var description: String { "budget exhausted" }
    }

    func authorize(_ spend: PrivacySpend) throws {
        if committed.count >= allowedRounds { throw Refusal() }
    }

    func commit(_ spend: PrivacySpend) -> Double {
        committed.append(spend)
        return Double(committed.count) * 0.5
    }

    func release(_ spend: PrivacySpend) {}

    func noiseMultiplier(forEpsilon epsilon: Double, delta: Double, samplingRate: Double, steps: Int) -> Double {
        10 / epsilon
    }
}

@Suite struct PrivateSiteTests {
    func configuration(rounds: Int) throws -> StudyConfiguration {
        let privacy = LocalPrivacy(clipNorm: 1, noise: .multiplier(1.1), expectedBatchSize: 6, delta: 1e-5)
        return StudyConfiguration(
            studyID: "dp", rounds: rounds, selection: try SiteSelection(minimumSites: 1),
            training: TrainingInstructions(
                localSteps: 5, batchSize: 8, optimizer: .sgd(learningRate: 0.1),
                privacy: privacy), seed: 3)
    }

    @Test func aSiteRefusesARoundPastItsBudgetBeforeTraining() async throws {
        let sites = SyntheticSites.make(count: 2)
        let strict = CountingGuard(allowedRounds: 2)
        var simulation = Simulation(sites: sites, model: .logisticRegression, strategy: .fedAvg, configuration: try configuration(rounds: 3))
        simulation.privacyGuards = ["site-0": strict]
        let outcome = try await simulation.run()
        #expect(outcome.rounds[0].contributors == ["site-0", "site-1"])
        #expect(outcome.rounds[2].contributors == ["site-1"])
        let refusal = try #require(outcome.rounds[2].failures.first { $0.site == "site-0" })
        #expect(refusal.reason.contains("refused the round"))
        #expect(refusal.reason.contains("budget exhausted"))
        let spent = await strict.committed
        #expect(spent.map(\.round) == [1, 2])
        // site-0 holds 60 training rows: q = 6 / 60.
        #expect(spent.allSatisfy { $0.steps == 5 && $0.samplingRate == 0.1 && $0.noiseMultiplier == 1.1 })
    }

    @Test func aSiteWithABudgetSendsNoNoiseFreeUpdate() async throws {
        var plain = try configuration(rounds: 1)
        plain.training.privacy = nil
        let keeper = CountingGuard(allowedRounds: 9)
        var simulation = Simulation(sites: SyntheticSites.make(count: 2), model: .logisticRegression, strategy: .fedAvg, configuration: plain)
        simulation.privacyGuards = ["site-0": keeper]
        let outcome = try await simulation.run()
        #expect(outcome.rounds[0].contributors == ["site-1"])
        let refusal = try #require(outcome.rounds[0].failures.first { $0.site == "site-0" })
        #expect(refusal.reason.contains("trains without DP-SGD"), "\(refusal.reason)")
        #expect(await keeper.committed.isEmpty)
    }

    @Test func aTargetEpsilonIsCalibratedByEachSitesGuard() async throws {
        var configuration = try configuration(rounds: 1)
        configuration.training.privacy?.noise = .targetEpsilon(2, plannedSteps: 5)
        let keeper = CountingGuard(allowedRounds: 9)
        var simulation = Simulation(
            sites: SyntheticSites.make(count: 2), model: .logisticRegression, strategy: .fedAvg,
            configuration: configuration)
        simulation.privacyGuards = ["site-0": keeper]
        let outcome = try await simulation.run()
        #expect(await keeper.committed.map(\.noiseMultiplier) == [5])
        // site-1 has no accountant and cannot honour a target epsilon: it refuses.
        #expect(outcome.rounds[0].failures.contains { $0.site == "site-1" && $0.reason.contains("no privacy accountant") })
    }

    @Test func privateTrainingIsReproducibleAndDiffersFromPlainTraining() async throws {
        let sites = SyntheticSites.make(count: 3)
        var reproducible = Simulation(sites: sites, model: .logisticRegression, strategy: .fedAvg, configuration: try configuration(rounds: 2))
        reproducible.noiseSource = .seeded
        let a = try await reproducible.run()
        let b = try await reproducible.run()
        #expect(a.finalParameters == b.finalParameters)
        var plain = try configuration(rounds: 2)
        plain.training.privacy = nil
        let c = try await Simulation(sites: sites, model: .logisticRegression, strategy: .fedAvg, configuration: plain).run()
        #expect(c.finalParameters != a.finalParameters)
        // By default the noise is secure: the same seed, a different model each run.
        let secure = Simulation(sites: sites, model: .logisticRegression, strategy: .fedAvg, configuration: try configuration(rounds: 2))
        #expect(secure.noiseSource == .secure)
        #expect(try await secure.run().finalParameters != secure.run().finalParameters)
    }

    /// The DP-SGD update of a fresh site at round 1 from a zero model.
    func firstPrivateUpdate(of site: Site) async throws -> [Float] {
        let request = TrainingRequest(
            study: "dp", round: 1, globalParameters: [Float](repeating: 0, count: 6),
            instructions: try configuration(rounds: 1).training)
        return try await site.train(request).delta
    }

    @Test func sitesWithOneSeedDrawDifferentSecureNoiseAndTheSameSeededNoise() async throws {
        let data = SyntheticSites.make(count: 1)[0]
        func site(_ noise: NoiseSource?) throws -> Site {
            guard let noise else { return try Site(id: "a", study: "dp", model: .logisticRegression, data: data, seed: 3) }
            return try Site(id: "a", study: "dp", model: .logisticRegression, data: data, seed: 3, noise: noise)
        }
        let defaultA = try await firstPrivateUpdate(of: site(nil)), defaultB = try await firstPrivateUpdate(of: site(nil))
        #expect(defaultA != defaultB, "the default noise is secure")
        #expect(try await firstPrivateUpdate(of: site(.secure)) != firstPrivateUpdate(of: site(.secure)))
        #expect(try await firstPrivateUpdate(of: site(.seeded)) == firstPrivateUpdate(of: site(.seeded)))
    }
}
