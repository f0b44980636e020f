import CohortTestSupport
import Learning
import Testing

@testable import Federation

/// Studies that need one site's own update cannot start under secure aggregation, and the
/// sealed round never lets an update in the clear reach the aggregate.
@Suite struct SecureAggregationRefusalTests {
    /// A secure sum that must never be reached: the studies below are refused before round 1.
    struct Unreachable: SecureSummation {
        func sum(_ request: SecureSumRequest, exchange: @escaping SecureExchange) async throws -> SecureSum {
            Issue.record("a refused study ran a secure sum")
            throw CoordinatorError.incompatible("unreachable")
        }
    }

    func start(_ strategy: StrategySpec, rule: AggregationRuleSpec = AggregationRuleSpec(), monitor: SiteMonitor? = nil) throws {
        let data = SyntheticSites.make()
        let configuration = try SyntheticSites.configuration(rounds: 1)
        let initial = try Model(spec: .logisticRegression, inputShape: data[0].train.exampleShape, task: .binary, seed: configuration.seed)
        _ = try Coordinator(
            configuration: configuration, strategy: strategy.makeStrategy(),
            rule: rule.makeRule(model: .logisticRegression, seed: configuration.seed),
            initialParameters: initial.parameters, layout: initial.layout,
            transport: InProcessTransport(sites: []), monitor: monitor, secureSummation: Unreachable())
    }

    func refusal(_ strategy: StrategySpec, rule: AggregationRuleSpec = AggregationRuleSpec(), monitor: SiteMonitor? = nil) -> String? {
        do {
            try start(strategy, rule: rule, monitor: monitor)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func krumAndTheMedianNeedIndividualUpdates() throws {
        for rule in [AggregationRuleSpec(.krum(f: 1)), AggregationRuleSpec(.median)] {
            let message = try #require(refusal(.fedAvg, rule: rule))
            #expect(message.contains("needs each site's own update"))
            #expect(message.contains("turn secure aggregation off"))
            #expect(!message.contains("\n"))
        }
    }

    @Test func normBoundingAndTheMonitorAreRefused() throws {
        #expect(refusal(.fedAvg, rule: AggregationRuleSpec(.mean, normBound: .fixed(1))) != nil)
        let monitored = try #require(refusal(.fedAvg, monitor: try SiteMonitor(threshold: 3.5, rounds: 3)))
        #expect(monitored.contains("monitor"))
    }

    @Test func scaffoldAndLockdownNeedTheirSideVectors() throws {
        let scaffold = try #require(refusal(.scaffold()))
        #expect(scaffold.contains("control-variate"))
        let lockdown = try #require(refusal(.lockdown(rounds: 1, maskSeed: 1)))
        #expect(lockdown.contains("subspace mask"))
    }

    @Test func averagingStrategiesStart() {
        for name in ["fedavg", "fedprox", "fedadam", "fedyogi", "fedadagrad"] {
            #expect(refusal(StrategySpec(name: name)!) == nil, "\(name)")
        }
    }

    @Test func aSealedRoundRefusesAnUpdateSentInTheClear() throws {
        let check = UpdateCheck(study: "s", round: 1, parameterCount: 3, sealed: true)
        let summary = TrainingSummary(steps: 1, examples: 1, meanLoss: 0)
        let clear = SiteUpdate(study: "s", site: "a", round: 1, delta: [1, 2, 3], sampleCount: 5, training: summary)
        #expect(throws: UpdateRejection.unsealed) { try check.validate(clear, from: "a") }
        #expect(throws: Never.self) { try check.validate(clear.sealed(), from: "a") }
    }

    @Test func aSiteKeepsItsUpdateUnderASealedRequestAndHandsItToItsEndpoint() async throws {
        let data = SyntheticSites.make()
        let configuration = try SyntheticSites.configuration(rounds: 1)
        let site = try Site(
            id: SiteID(data[0].name), study: configuration.studyID, model: .logisticRegression, data: data[0],
            seed: configuration.seed)
        let initial = try Model(spec: .logisticRegression, inputShape: data[0].train.exampleShape, task: .binary, seed: configuration.seed)
        let request = TrainingRequest(
            study: configuration.studyID, round: 1, globalParameters: initial.parameters,
            instructions: configuration.training, sealed: true)
        let answer = try await site.train(request)
        #expect(answer.delta.isEmpty)
        #expect(answer.sampleCount == data[0].train.count)
        let held = try await site.heldUpdate(study: configuration.studyID, round: 1)
        #expect(held.delta.count == initial.parameterCount)
        #expect(held.delta.contains { $0 != 0 })
        await #expect(throws: SiteError.self) { _ = try await site.heldUpdate(study: configuration.studyID, round: 2) }
    }
}
