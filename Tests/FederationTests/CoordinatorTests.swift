import CohortTestSupport
import Learning
import Testing

@testable import Federation

@Suite struct CoordinatorTests {
    let sites = SyntheticSites.make()

    func run(
        _ strategy: StrategySpec = .fedAvg, configuration: StudyConfiguration? = nil,
        faults: [SiteID: SiteFault] = [:], sites custom: [SiteData]? = nil
    ) async throws -> StudyOutcome {
        try await Simulation(
            sites: custom ?? sites, model: .logisticRegression, strategy: strategy,
            configuration: configuration ?? SyntheticSites.configuration()
        ).injecting(faults).run()
    }

    @Test func sameSeedGivesBitIdenticalModels() async throws {
        let first = try await run()
        let second = try await run()
        #expect(first.finalParameters == second.finalParameters)
        let other = try await run(configuration: try SyntheticSites.configuration(seed: 7))
        #expect(other.finalParameters != first.finalParameters)
    }

    @Test func arrivalOrderDoesNotChangeTheResult() async throws {
        // Delaying the first sites makes the others answer first; folding stays in site order.
        let delayed: [SiteID: SiteFault] = [
            "site-0": .delayTraining(seconds: 0.05, rounds: [1, 2, 3]),
            "site-1": .delayTraining(seconds: 0.02, rounds: [2, 3])
        ]
        let plain = try await run()
        let shuffled = try await run(faults: delayed)
        #expect(plain.finalParameters == shuffled.finalParameters)
    }

    @Test func trainingImprovesOnSeparableData() async throws {
        let outcome = try await run(configuration: try SyntheticSites.configuration(rounds: 10))
        let first = try #require(outcome.rounds.first?.evaluation)
        let last = try #require(outcome.finalEvaluation)
        #expect(last.averageAccuracy > 0.75)
        #expect(outcome.rounds.last!.meanTrainingLoss! < outcome.rounds.first!.meanTrainingLoss!)
        #expect(last.sites.count == 4)
        #expect(first.sites.map(\.site) == ["site-0", "site-1", "site-2", "site-3"])
    }

    @Test func failedSiteIsDroppedAndTheRoundCompletesAboveTheMinimum() async throws {
        let outcome = try await run(
            configuration: try SyntheticSites.configuration(rounds: 3, minimumSites: 3),
            faults: ["site-2": .failTraining(rounds: [2])])
        let round2 = outcome.rounds[1]
        #expect(round2.accepted)
        #expect(round2.contributors == ["site-0", "site-1", "site-3"])
        #expect(round2.failures.map(\.site) == ["site-2"])
        #expect(outcome.rounds[2].contributors.count == 4)  // it rejoins the next round
    }

    @Test func roundBelowTheMinimumLeavesTheModelUnchanged() async throws {
        let configuration = try SyntheticSites.configuration(rounds: 2, minimumSites: 4)
        let outcome = try await run(configuration: configuration, faults: ["site-1": .failTraining(rounds: [2])])
        #expect(outcome.rounds[1].accepted == false)
        let oneRound = try await run(configuration: try SyntheticSites.configuration(rounds: 1, minimumSites: 4))
        #expect(outcome.finalParameters == oneRound.finalParameters)
    }

    @Test func stragglersPastTheDeadlineAreLeftOut() async throws {
        let configuration = try SyntheticSites.configuration(rounds: 2, minimumSites: 3, deadline: 0.5)
        let clock = ContinuousClock()
        let start = clock.now
        // The straggler would answer after 300 s; the study must not wait for it (the bound
        // is loose because the whole suite runs in parallel on a small machine).
        let outcome = try await run(configuration: configuration, faults: ["site-3": .delayTraining(seconds: 300, rounds: [1])])
        #expect(clock.now - start < .seconds(120))
        #expect(outcome.rounds[0].stragglers == ["site-3"])
        #expect(outcome.rounds[0].contributors == ["site-0", "site-1", "site-2"])
        #expect(outcome.rounds[0].accepted)
        #expect(outcome.rounds[1].contributors.count == 4)
    }

    @Test(arguments: [UpdateCorruption.nonFinite, .truncated, .staleRound, .impersonate("site-0")])
    func brokenUpdatesAreRejectedWithAReason(corruption: UpdateCorruption) async throws {
        let outcome = try await run(
            configuration: try SyntheticSites.configuration(rounds: 2, minimumSites: 3),
            faults: ["site-1": .corruptUpdate(rounds: [2], corruption)])
        let round = outcome.rounds[1]
        #expect(round.rejections.map(\.site) == ["site-1"])
        #expect(!round.contributors.contains("site-1"))
        #expect(round.accepted)
        #expect(outcome.finalParameters.allSatisfy { $0.isFinite })
        #expect(!(round.rejections.first?.reason.isEmpty ?? true))
    }

    @Test func fedProxWithZeroMuIsFedAvg() async throws {
        let avg = try await run(.fedAvg)
        let prox = try await run(.fedProx(mu: 0))
        #expect(avg.finalParameters == prox.finalParameters)
        let strong = try await run(.fedProx(mu: 1))
        #expect(strong.finalParameters != avg.finalParameters)
    }

    @Test(arguments: ["fedadam", "fedyogi", "fedadagrad", "scaffold"])
    func everyStrategyTrains(name: String) async throws {
        let outcome = try await run(StrategySpec(name: name)!, configuration: try SyntheticSites.configuration(rounds: 10))
        #expect(outcome.strategy == name)
        #expect(outcome.finalParameters.allSatisfy { $0.isFinite })
        #expect(try #require(outcome.finalEvaluation).averageAccuracy > 0.7)
    }

    @Test func oneSiteFederationEqualsLocalTraining() async throws {
        // With one site and FedAvg, each round continues the same local run: the federated
        // model must equal plain training for rounds x steps with the same batches.
        let site = sites[0]
        let configuration = try SyntheticSites.configuration(rounds: 3, steps: 7, sites: 1)
        let outcome = try await run(configuration: configuration, sites: [site])
        let model = try Model(spec: .logisticRegression, inputShape: site.train.exampleShape, task: .binary, seed: 42)
        var sampler = BatchSampler(rowCount: site.train.count, batchSize: 8, seed: 42 ^ stableHash(site.name))
        var optimizer: any Optimizer = SGD(learningRate: 0.1, parameterCount: model.parameterCount)
        var expected = model.parameters
        for _ in 0..<3 {
            // Each round restarts from the global model, which after FedAvg of one site is the
            // site's own model up to float rounding of (local - global) + global.
            model.parameters = expected
            let start = expected
            _ = model.train(on: site.train, steps: 7, sampler: &sampler, optimizer: &optimizer)
            expected = zip(start, model.parameters).map { $0 + ($1 - $0) }
        }
        #expect(outcome.finalParameters == expected)
    }

    @Test func siteRejectsAModelOfTheWrongSize() async throws {
        let site = try Site(id: "a", study: "s", model: .logisticRegression, data: sites[0], seed: 1)
        let request = TrainingRequest(
            study: "s", round: 1, globalParameters: [0, 1],
            instructions: TrainingInstructions(localSteps: 1, batchSize: 2, optimizer: .sgd(learningRate: 0.1)))
        await #expect(throws: SiteError.self) { try await site.train(request) }
        var wrongStudy = request
        wrongStudy.study = "other"
        wrongStudy.globalParameters = [Float](repeating: 0, count: 6)
        await #expect(throws: SiteError.wrongStudy(site: "a", expected: "s", got: "other")) { try await site.train(wrongStudy) }
    }
}
