import Foundation
import Learning
import Testing

@testable import Federation

@Suite struct StrategyTests {
    func aggregate(_ delta: [Float], control: [Float]? = nil, contributors: Int = 2) -> RoundAggregate {
        RoundAggregate(
            meanDelta: delta, vectors: control.map { [Scaffold.controlDelta.name: $0] } ?? [:],
            contributors: (0..<contributors).map { SiteID("s\($0)") }, totalSamples: 10, meanTrainingLoss: 0)
    }

    @Test func fedAvgAddsTheMeanDelta() {
        var strategy = FedAvg()
        var global: [Float] = [1, 2, 3]
        strategy.apply(aggregate([0.5, -1, 0]), to: &global, population: 4)
        #expect(global == [1.5, 1, 3])
    }

    @Test func fedProxSendsMuAndAveragesLikeFedAvg() throws {
        let base = TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1))
        var strategy = try FedProx(mu: 0.01)
        #expect(strategy.instructions(for: 1, site: "a", base: base).algorithm == AlgorithmCall("fedprox", parameters: ["mu": Double(Float(0.01))]))
        var global: [Float] = [0, 0]
        strategy.apply(aggregate([1, 2]), to: &global, population: 2)
        #expect(global == [1, 2])
    }

    @Test func fedAdamFirstStepFollowsReddiEtAl() {
        // m1 = (1 - b1) d, v1 = b2 tau^2 + (1 - b2) d^2; x += eta m1 / (sqrt(v1) + tau).
        var strategy = FedOpt(.adam, serverLearningRate: 0.01, beta1: 0.9, beta2: 0.999, tau: 1e-3)
        var global: [Float] = [0]
        strategy.apply(aggregate([0.2]), to: &global, population: 1)
        let m = 0.1 * 0.2
        let v = 0.999 * 1e-6 + 0.001 * 0.04
        let expected = 0.01 * m / (v.squareRoot() + 1e-3)
        #expect(abs(Double(global[0]) - expected) / expected < 1e-5)
    }

    @Test func fedYogiAndFedAdagradDifferFromFedAdamOnTheSecondMoment() {
        var results: [String: Float] = [:]
        for variant in FedOpt.Variant.allCases {
            var strategy = FedOpt(variant, serverLearningRate: 0.1, tau: 1e-3)
            var global: [Float] = [0]
            for delta in [Float(0.3), -0.1, 0.2] { strategy.apply(aggregate([delta]), to: &global, population: 1) }
            results[variant.rawValue] = global[0]
        }
        #expect(Set(results.values).count == 3)
        #expect(results.values.allSatisfy { $0 > 0 && $0.isFinite })
    }

    @Test func scaffoldMovesServerControlByParticipationFraction() {
        var strategy = Scaffold()
        var global: [Float] = [0, 0]
        strategy.apply(aggregate([1, 1], control: [2, -2], contributors: 2), to: &global, population: 4)
        #expect(global == [1, 1])
        #expect(strategy.serverControl == [1, -1])  // 2/4 of the mean control delta
        let base = TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1))
        #expect(strategy.instructions(for: 2, site: "a", base: base).algorithm?.vectors[Scaffold.serverControlVector] == [1, -1])
    }

    @Test func strategySpecsParseFlambyNames() throws {
        for name in StrategySpec.names {
            #expect(try StrategySpec(name: name)?.makeStrategy().name == name)
        }
        #expect(StrategySpec(name: "krum") == nil)
    }

    @Test func hyperParametersThatCannotWorkAreRefusedNotTrapped() {
        #expect(throws: StrategyError.self) { try FedProx(mu: -1) }
        #expect(throws: StrategyError.self) { try FedProx(mu: .nan) }
        #expect(throws: StrategyError.self) { try Lockdown(density: 0, rounds: 3, maskSeed: 1) }
        #expect(throws: StrategyError.self) { try Lockdown(density: 0.5, rounds: 0, maskSeed: 1) }
        #expect(throws: StrategyError.self) { try FedPer(personalTensors: 0) }
        for fraction in [0, -0.5, 1.5, .nan, .infinity] {
            #expect(throws: StrategyError.self) { try SiteSelection(fraction: fraction, minimumSites: 1) }
        }
        #expect(throws: StrategyError.self) { try SiteSelection(fraction: 0.5, minimumSites: 0) }
        for threshold in [0, -1, .nan, .infinity] {
            #expect(throws: StrategyError.self) { try SiteMonitor(threshold: threshold, rounds: 3) }
        }
        #expect(throws: StrategyError.self) { try SiteMonitor(threshold: 3.5, rounds: 0) }
    }

    /// A checkpoint or configuration decoded from disk is held to the same rules as one built in code.
    @Test func decodedSelectionsAndMonitorsAreChecked() throws {
        let decoder = JSONDecoder()
        #expect(throws: StrategyError.self) {
            try decoder.decode(SiteSelection.self, from: Data(#"{"fraction": 0, "minimumSites": 1}"#.utf8))
        }
        let selection = try SiteSelection(fraction: 0.25, minimumSites: 2)
        #expect(try decoder.decode(SiteSelection.self, from: JSONEncoder().encode(selection)) == selection)
        #expect(throws: StrategyError.self) {
            try decoder.decode(SiteMonitor.self, from: Data(#"{"threshold": -3, "rounds": 2, "streaks": {}, "quarantined": {}}"#.utf8))
        }
        let monitor = try decoder.decode(SiteMonitor.self, from: JSONEncoder().encode(try SiteMonitor(threshold: 2.5, rounds: 4)))
        #expect(monitor.threshold == 2.5 && monitor.rounds == 4)
    }

    @Test func siteSelectionIsSeededSortedAndRespectsTheMinimum() throws {
        let sites = (0..<10).map { SiteID("site-\($0)") }
        let selection = try SiteSelection(fraction: 0.3, minimumSites: 2)
        let first = selection.participants(from: sites, round: 1, seed: 5)
        #expect(first?.count == 3)
        #expect(first == first?.sorted())
        #expect(first == selection.participants(from: sites.reversed(), round: 1, seed: 5))
        let rounds = (1...8).compactMap { selection.participants(from: sites, round: $0, seed: 5) }
        #expect(Set(rounds).count > 1)
        #expect(try SiteSelection(fraction: 0.1, minimumSites: 4).participants(from: sites, round: 1, seed: 5)?.count == 4)
        #expect(try SiteSelection(minimumSites: 11).participants(from: sites, round: 1, seed: 5) == nil)
    }
}
