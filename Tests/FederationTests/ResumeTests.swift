import CohortTestSupport
import Foundation
import Learning
import Testing

@testable import Federation

@Suite struct ResumeTests {
    struct Stop: Error {}

    /// Runs `strategy` for 6 rounds, crashing after round `crashAfter`, then resumes the
    /// coordinator from its checkpoint (and, when `restartSites`, rebuilds every site from its
    /// own checkpoint), and returns the final model next to an uninterrupted run's.
    func crashAndResume(
        _ strategy: StrategySpec, rule: AggregationRuleSpec = AggregationRuleSpec(), crashAfter: Int,
        restartSites: Bool
    ) async throws -> (resumed: [Float], uninterrupted: [Float]) {
        let data = SyntheticSites.make()
        let configuration = try SyntheticSites.configuration(rounds: 6)
        let uninterrupted = try await Simulation(
            sites: data, model: .logisticRegression, strategy: strategy, rule: rule,
            configuration: configuration
        ).run().finalParameters

        func makeSites() throws -> [Site] {
            try data.map { try Site(id: SiteID($0.name), study: configuration.studyID, model: .logisticRegression, data: $0, seed: configuration.seed) }
        }
        let sites = try makeSites()
        let initial = try Model(spec: .logisticRegression, inputShape: data[0].train.exampleShape, task: .binary, seed: configuration.seed)
        let first = try Coordinator(
            configuration: configuration, strategy: strategy.makeStrategy(), rule: rule.makeRule(model: .logisticRegression, seed: configuration.seed),
            initialParameters: initial.parameters, layout: initial.layout,
            transport: InProcessTransport(sites: sites))
        let saved = CheckpointBox()
        do {
            _ = try await first.run(roundCompleted: { checkpoint in
                await saved.store(checkpoint)
                if checkpoint.completedRounds == crashAfter { throw Stop() }
            })
        } catch is Stop {}
        let checkpoint = try #require(await saved.latest)
        #expect(checkpoint.completedRounds == crashAfter)

        var survivors = sites
        if restartSites {
            survivors = try makeSites()
            for (old, new) in zip(sites, survivors) { try await new.restore(await old.checkpoint()) }
        }
        let second = try Coordinator(
            resuming: checkpoint, strategy: strategy.makeStrategy(),
            rule: rule.makeRule(model: .logisticRegression, seed: configuration.seed),
            transport: InProcessTransport(sites: survivors))
        let outcome = try await second.run()
        #expect(outcome.rounds.count == 6)
        return (outcome.finalParameters, uninterrupted)
    }

    @Test(arguments: ["fedavg", "fedadam", "scaffold"])
    func aResumedStudyEndsWithTheSameBits(strategy: String) async throws {
        let result = try await crashAndResume(StrategySpec(name: strategy)!, crashAfter: 3, restartSites: false)
        #expect(result.resumed == result.uninterrupted)
    }

    @Test func restartedSitesAndAStatefulRuleResumeBitIdentically() async throws {
        let result = try await crashAndResume(
            .fedAvg, rule: AggregationRuleSpec(.mean, normBound: .adaptive(multiplier: 1.5)),
            crashAfter: 2, restartSites: true)
        #expect(result.resumed == result.uninterrupted)
    }

    @Test func checkpointsRoundTripThroughJSON() async throws {
        let data = SyntheticSites.make()
        let outcome = CheckpointBox()
        _ = try await Simulation(
            sites: data, model: .logisticRegression, strategy: .fedOpt(.yogi, serverLearningRate: 0.1),
            configuration: try SyntheticSites.configuration(rounds: 2)
        ).run()
        let sites = try data.map { try Site(id: SiteID($0.name), study: "test", model: .logisticRegression, data: $0, seed: 42) }
        let initial = try Model(spec: .logisticRegression, inputShape: data[0].train.exampleShape, task: .binary, seed: 42)
        let coordinator = try Coordinator(
            configuration: try SyntheticSites.configuration(rounds: 2), strategy: FedOpt(.yogi, serverLearningRate: 0.1),
            initialParameters: initial.parameters, layout: initial.layout, transport: InProcessTransport(sites: sites))
        _ = try await coordinator.run(roundCompleted: { await outcome.store($0) })
        let checkpoint = try #require(await outcome.latest)
        let encoded = try JSONEncoder().encode(checkpoint)
        let decoded = try JSONDecoder().decode(CoordinatorCheckpoint.self, from: encoded)
        #expect(decoded.globalParameters == checkpoint.globalParameters)
        #expect(decoded.strategy == checkpoint.strategy)
        #expect(decoded.rounds == checkpoint.rounds)
        #expect(throws: StateMismatch.self) {
            try Coordinator(resuming: decoded, strategy: FedAvg(), transport: InProcessTransport(sites: sites))
        }
    }

    @Test func aSiteAskedTheSameQuestionTwiceAnswersOnceAndSpendsOnce() async throws {
        let data = SyntheticSites.make(count: 1)[0]
        let keeper = CountingGuard(allowedRounds: 5)
        let site = try Site(id: "a", study: "s", model: .logisticRegression, data: data, seed: 1, privacyGuard: keeper)
        let privacy = LocalPrivacy(clipNorm: 1, noise: .multiplier(1), expectedBatchSize: 4, delta: 1e-5)
        let request = TrainingRequest(
            study: "s", round: 1, globalParameters: [Float](repeating: 0, count: 6),
            instructions: TrainingInstructions(localSteps: 3, batchSize: 4, optimizer: .sgd(learningRate: 0.1), privacy: privacy))
        let first = try await site.train(request)
        let again = try await site.train(request)
        #expect(first.delta == again.delta)
        #expect(await keeper.committed.count == 1)
        var next = request
        next.round = 2
        _ = try await site.train(next)
        #expect(await keeper.committed.count == 2)
    }
}

actor CheckpointBox {
    private(set) var latest: CoordinatorCheckpoint?
    func store(_ checkpoint: CoordinatorCheckpoint) { latest = checkpoint }
}
