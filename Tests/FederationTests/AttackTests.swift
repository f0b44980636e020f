import CohortTestSupport
import Learning
import Testing

@testable import Federation

@Suite struct AttackTests {
    let sites = SyntheticSites.make(count: 6)

    func run(
        _ attack: Attack?, malicious: Set<SiteID> = ["site-5"], rule: AggregationRuleSpec = AggregationRuleSpec(),
        monitor: SiteMonitor? = nil, rounds: Int = 6, central: [String: Dataset] = [:]
    ) async throws -> StudyOutcome {
        try await Simulation(
            sites: sites, model: .logisticRegression, strategy: .fedAvg, rule: rule,
            configuration: try SyntheticSites.configuration(rounds: rounds, minimumSites: 3, sites: 6),
            centralEvaluation: central,
            attack: attack.map { AttackPlan(attack: $0, malicious: malicious) }, monitor: monitor
        ).run()
    }

    @Test func labelFlipInvertsLabels() {
        let data = sites[0].train
        let flipped = Attack.labelFlip.poison(data, seed: 1)
        #expect(flipped.labels == data.labels.map { 1 - $0 })
        #expect(flipped.features == data.features)
    }

    @Test func backdoorStampsTheTriggerOnTheChosenShareAndRelabels() {
        let data = sites[0].train
        let backdoor = Backdoor(target: 0, poisonFraction: 0.5)
        let poisoned = Attack.backdoor(backdoor).poison(data, seed: 1)
        let width = data.featureCount
        let stamped = (0..<data.count).filter { row in
            (width - 3..<width).allSatisfy { poisoned.features[row * width + $0] == 4 }
        }
        #expect(stamped.count == Int((0.5 * Double(data.count)).rounded()))
        #expect(stamped.allSatisfy { poisoned.labels[$0] == 0 })
        let success = backdoor.successTestSet(from: sites[0].test)
        #expect(success.labels.allSatisfy { $0 == 0 })
        #expect(success.count == sites[0].test.labels.filter { $0 != 0 }.count)
    }

    @Test func imageTriggerIsABrightPatchInTheCorner() {
        var row = ArraySlice([Float](repeating: 0, count: 64))
        Backdoor(target: 1).stamp(&row, shape: Shape(1, 8, 8))
        let lit = row.indices.filter { row[$0] == 1 }.map { ($0 / 8, $0 % 8) }
        #expect(lit.count == 9)
        #expect(lit.allSatisfy { $0.0 >= 4 && $0.0 <= 6 && $0.1 >= 4 && $0.1 <= 6 })
    }

    @Test func aScaledAttackerDragsFedAvgButNotTheMedian() async throws {
        let clean = try await run(nil)
        let attacked = try await run(.scale(factor: -20))
        let defended = try await run(.scale(factor: -20), rule: AggregationRuleSpec(.median))
        let cleanAccuracy = try #require(clean.finalEvaluation).averageAccuracy
        #expect(try #require(attacked.finalEvaluation).averageAccuracy < cleanAccuracy - 0.1)
        #expect(try #require(defended.finalEvaluation).averageAccuracy > cleanAccuracy - 0.05)
    }

    @Test func alieAttackersSendTheSameCraftedUpdate() {
        let honest: [[Float]] = [[1, 2], [3, 2], [2, 2]]
        let crafted = Collusion.meanMinusDeviations(honest, z: 1)
        let deviation = Float((2.0 / 3.0).squareRoot())
        #expect(abs(crafted[0] - (2 - deviation)) < 1e-6)
        #expect(crafted[1] == 2)
    }

    @Test func alieZFollowsBaruchEtAl() {
        // n = 20, f = 4: s = floor(20/2 + 1) - 4 = 7, z = quantile(13/20) = 0.3853.
        #expect(abs(NormalQuantile.of(0.65) - 0.385320466) < 1e-8)
        #expect(abs(NormalQuantile.of(0.975) - 1.959963985) < 1e-8)
        #expect(abs(NormalQuantile.of(1e-6) + 4.753424309) < 1e-7)
    }

    @Test func alieRunsWithSeveralColludingSites() async throws {
        let outcome = try await run(.alie, malicious: ["site-4", "site-5"], rounds: 3)
        #expect(outcome.rounds.allSatisfy { $0.contributors.count == 6 })
    }

    @Test func theMonitorQuarantinesAPersistentAttackerAndTheOperatorCanReinstateIt() async throws {
        let outcome = try await run(
            .scale(factor: -10), rule: AggregationRuleSpec(.median),
            monitor: try SiteMonitor(threshold: 3.5, rounds: 2), rounds: 6)
        let quarantineRound = try #require(outcome.rounds.first { !$0.quarantined.isEmpty })
        #expect(quarantineRound.quarantined == ["site-5"])
        let after = outcome.rounds.filter { $0.round > quarantineRound.round }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { !$0.participants.contains("site-5") })
        #expect(outcome.rounds.flatMap(\.quarantined).count == 1)  // honest sites stay in

        var monitor = try SiteMonitor(threshold: 3.5, rounds: 1)
        let observations = (0..<5).map { UpdateObservation(site: SiteID("s\($0)"), norm: $0 == 4 ? 100 : 1 + Double($0) * 0.1, cosineToPreviousAggregate: nil) }
        let result = monitor.record(round: 1, observations)
        #expect(result.quarantined.map(\.site) == ["s4"])
        #expect(monitor.isQuarantined("s4"))
        let reinstated = monitor.reinstate("s4")
        #expect(reinstated)
        #expect(!monitor.isQuarantined("s4"))
    }

    @Test func directionScoreFlagsASiteThatPointsAway() throws {
        var monitor = try SiteMonitor(threshold: 3.5, rounds: 1)
        let cosines = [0.8, 0.82, 0.79, 0.81, -0.7]
        let observations = cosines.enumerated().map { UpdateObservation(site: SiteID("s\($0.offset)"), norm: 1, cosineToPreviousAggregate: $0.element) }
        let result = monitor.record(round: 2, observations)
        #expect(result.evidence["s4"]!.directionScore > 3.5)
        #expect(result.evidence["s0"]!.score < 3.5)
    }

    @Test func maliciousSitesAreDrawnFromTheSeed() {
        let ids = (0..<20).map { SiteID("site-\($0)") }
        let a = AttackPlan(attack: .signFlip, count: 4, among: ids, seed: 42)
        #expect(a.malicious.count == 4)
        #expect(a == AttackPlan(attack: .signFlip, count: 4, among: ids.reversed(), seed: 42))
        #expect(a != AttackPlan(attack: .signFlip, count: 4, among: ids, seed: 43))
    }
}

@Suite struct RejectionCountingTests {
    @Test func aSiteThatKeepsSendingBrokenUpdatesIsQuarantined() async throws {
        let outcome = try await Simulation(
            sites: SyntheticSites.make(count: 5), model: .logisticRegression, strategy: .fedAvg,
            configuration: try SyntheticSites.configuration(rounds: 4, minimumSites: 3, sites: 5),
            monitor: try SiteMonitor(threshold: 3.5, rounds: 2)
        )
        .injecting(["site-2": .corruptUpdate(rounds: [1, 2, 3, 4], .nonFinite)]).run()
        #expect(outcome.rounds[1].quarantined == ["site-2"])
        #expect(!outcome.rounds[2].participants.contains("site-2"))
        #expect(outcome.rounds[0].anomalies.first { $0.site == "site-2" }?.evidence.score == .infinity)
    }
}
