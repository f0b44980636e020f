import CohortTestSupport
import Learning
import Testing

@testable import Federation

/// Records what leaves each site, as the coordinator receives it.
actor SentUpdates {
    private(set) var updates: [SiteUpdate] = []
    func add(_ update: SiteUpdate) { updates.append(update) }
}

struct RecordingTransport: Transport {
    let base: any Transport
    let sent: SentUpdates
    func availableSites() async -> [SiteID] { await base.availableSites() }
    func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        let update = try await base.train(request, at: site)
        await sent.add(update)
        return update
    }
    func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await base.evaluate(request, at: site)
    }
}

/// FedPer, the first algorithm added on the site-side plug-in: the personal head never leaves
/// a site, each site evaluates with its own head, and the base is averaged as FedAvg does.
@Suite struct FedPerTests {
    static let model = ModelSpec.mlp(hidden: [8])

    func simulation(_ strategy: StrategySpec, rounds: Int = 4) throws -> Simulation {
        Simulation(
            sites: SyntheticSites.make(count: 3), model: Self.model, strategy: strategy,
            configuration: try SyntheticSites.configuration(rounds: rounds, sites: 3))
    }

    @Test func theHeadNeverLeavesAndTheBaseIsAveraged() async throws {
        let fedper = try #require(StrategySpec(name: "fedper", rounds: 4))
        var simulation = try simulation(fedper)
        let sent = SentUpdates()
        simulation.transportWrapper = { RecordingTransport(base: $0, sent: sent) }
        let initial = try simulation.initialModel()
        let outcome = try await simulation.run()
        #expect(outcome.rounds.allSatisfy { $0.accepted })
        // The output layer (its weights and bias: the last two tensors) is each site's own.
        let head = initial.layout.tensors[initial.layout.tensors.count - 2].offset..<initial.layout.count
        let updates = await sent.updates
        #expect(updates.count == 12)
        #expect(updates.allSatisfy { update in head.allSatisfy { update.delta[$0] == 0 } })
        #expect(updates.contains { update in (0..<head.lowerBound).contains { update.delta[$0] != 0 } })
        // So the global head never moves, while the base does.
        #expect(head.allSatisfy { outcome.finalParameters[$0] == initial.parameters[$0] })
        #expect((0..<head.lowerBound).contains { outcome.finalParameters[$0] != initial.parameters[$0] })
    }

    @Test func eachSiteEvaluatesWithItsOwnHead() async throws {
        let personal = try await simulation(try #require(StrategySpec(name: "fedper", rounds: 4))).run()
        let personalAgain = try await simulation(try #require(StrategySpec(name: "fedper", rounds: 4))).run()
        // Deterministic under a seed, like every algorithm.
        #expect(personal.finalParameters == personalAgain.finalParameters)
        let sites = try #require(personal.finalEvaluation?.sites)
        // A site's own head was trained on its data: scoring the untrained global head instead
        // gives a different result at some site.
        let data = SyntheticSites.make(count: 3)
        let model = try Model(spec: Self.model, inputShape: data[0].train.exampleShape, task: .binary, seed: 42)
        model.parameters = personal.finalParameters
        let globalHead = data.map { model.evaluate(on: $0.test).logLoss }
        #expect(zip(sites.map(\.metrics.logLoss), globalHead).contains { abs($0 - $1) > 1e-6 })
    }

    @Test func itsSettingsAreChecked() throws {
        #expect(throws: StrategyError.self) {
            try StrategySpec.algorithm(name: "fedper", parameters: ["personal_tensors": 0], rounds: 1, seed: 0).makeStrategy()
        }
        let strategy = try StrategySpec.algorithm(name: "fedper", parameters: ["personal_tensors": 4], rounds: 1, seed: 0).makeStrategy()
        #expect(strategy.name == "fedper")
    }
}
