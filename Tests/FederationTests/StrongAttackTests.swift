import CohortTestSupport
import Learning
import Testing

@testable import Federation

/// The optimization-based and adaptive attacks (issue 21): each one's crafting rule, that it
/// really hurts an undefended study, that it is deterministic under the seed, and that
/// collusion finishes under site sampling.
@Suite struct StrongAttackTests {
    let sites = SyntheticSites.make(count: 6)

    func configuration(rounds: Int, fraction: Double = 1, minimumSites: Int = 3, seed: UInt64 = 42) throws -> StudyConfiguration {
        StudyConfiguration(
            studyID: "test", rounds: rounds, selection: try SiteSelection(fraction: fraction, minimumSites: minimumSites),
            training: TrainingInstructions(localSteps: 10, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
            evaluateEvery: 1, roundDeadlineSeconds: 60, seed: seed)
    }

    func run(
        _ attack: Attack?, malicious: Set<SiteID> = ["site-4", "site-5"], rule: AggregationRuleSpec = AggregationRuleSpec(),
        rounds: Int = 6, fraction: Double = 1, seed: UInt64 = 42, faults: [SiteID: SiteFault] = [:]
    ) async throws -> StudyOutcome {
        try await Simulation(
            sites: sites, model: .logisticRegression, strategy: .fedAvg, rule: rule,
            configuration: try configuration(rounds: rounds, fraction: fraction, seed: seed),
            attack: attack.map { AttackPlan(attack: $0, malicious: malicious) }
        ).injecting(faults).run()
    }

    /// Benign updates spread around a common direction.
    func benign(_ count: Int, dimension: Int = 40, seed: UInt64 = 7, centre size: Float = 1) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        let centre = (0..<dimension).map { _ in size * Float(generator.nextGaussian()) }
        return (0..<count).map { _ in centre.map { $0 + 0.3 * Float(generator.nextGaussian()) } }
    }

    @Test func namesAndParametersParseAndBadOnesAreRefused() throws {
        #expect(try Attack.parse("scale") == .scale(factor: 10))
        #expect(try Attack.parse("backdoor", backdoorTarget: 1) == .backdoor(Backdoor(target: 1)))
        #expect(try Attack.parse("min-sum:perturbation=sign") == .minMax(MinMaxAttack(objective: .minSum, perturbation: .sign)))
        #expect(
            try Attack.parse("model-replacement:gamma=5,constrain=true,poison=0.25")
                == .modelReplacement(ModelReplacement(backdoor: Backdoor(target: 0, poisonFraction: 0.25), gamma: 5, constrained: true)))
        for name in Attack.names { #expect(try Attack.parse(name).description == name) }
        #expect(throws: AttackError.unknown(name: "min-median", known: Attack.names)) { try Attack.parse("min-median") }
        #expect(throws: AttackError.badParameter(attack: "model-replacement", key: "gamma", value: "0", expected: "a positive number up to 1e6")) {
            try Attack.parse("model-replacement:gamma=0")
        }
        #expect(throws: AttackError.badParameter(attack: "scale", key: "factor", value: "nan", expected: "a finite non-zero number")) {
            try Attack.parse("scale:factor=nan")
        }
        #expect(throws: AttackError.unknownParameter(attack: "fang-krum", key: "b", known: [])) { try Attack.parse("fang-krum:b=3") }
        #expect(throws: AttackError.self) { try Attack.parse("min-max:perturbation") }
    }

    @Test func minMaxAndMinSumGoAsFarAsTheBenignSpreadAllows() {
        let updates = benign(8)
        let pairwise = UpdateStatistics.pairwiseSquaredDistances(updates)
        let maxPair = pairwise.map { $0.max()! }.max()!
        let mean = UpdateStatistics.meanAndDeviation(updates).mean
        let minMax = MinMaxAttack(objective: .minMax).craft(benign: updates)
        let farthest = updates.map { UpdateStatistics.squaredDistance(minMax, $0) }.max()!
        #expect(farthest <= maxPair)
        #expect(farthest > 0.99 * maxPair)  // gamma is pushed to the limit, not left small
        let minSum = MinMaxAttack(objective: .minSum, perturbation: .unit).craft(benign: updates)
        let sum = updates.map { UpdateStatistics.squaredDistance(minSum, $0) }.reduce(0, +)
        let limit = pairwise.map { $0.reduce(0, +) }.max()!
        #expect(sum <= limit && sum > 0.99 * limit)
        #expect(VectorMath.dot(minSum, mean) < VectorMath.dot(mean, mean))  // pushed against the mean
    }

    @Test func fangTrimSendsValuesPastTheBenignExtremesAgainstTheirDirection() {
        let updates = benign(6)
        var generator = SeededGenerator(seed: 1)
        let crafted = FangAttack(target: .trimmedMean).trimAttack(updates, generator: &generator)
        for j in crafted.indices {
            let values = updates.map { $0[j] }
            let direction = values.reduce(0, +)
            if direction > 0 { #expect(crafted[j] <= values.min()!) } else { #expect(crafted[j] >= values.max()!) }
        }
    }

    @Test func fangKrumIsTheUpdateKrumChooses() throws {
        // Local updates as SGD makes them: a small common drift under a larger spread.
        let honest = benign(7, centre: 0.1)
        let crafted = FangAttack.krumAttack(honest: honest, everyone: honest, attackers: 2, f: 2)
        #expect(crafted.contains { $0 != 0 })
        var aggregator = try Krum(f: 2).makeAggregator(
            for: RoundContext(
                round: 1, globalParameters: [Float](repeating: 0, count: 40),
                instructions: TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1))))
        for (index, update) in (honest + [crafted, crafted]).enumerated() {
            try aggregator.fold(
                SiteUpdate(
                    study: "s", site: SiteID("s\(index)"), round: 1, delta: update, sampleCount: 10,
                    training: TrainingSummary(steps: 1, examples: 10, meanLoss: 0)))
        }
        let chosen = try aggregator.finish().meanDelta
        #expect(zip(chosen, crafted).allSatisfy { abs($0 - $1) < 1e-6 })  // Krum took the crafted copies
        let mean = UpdateStatistics.meanAndDeviation(honest).mean
        #expect(VectorMath.cosine(chosen, mean) < 0)
    }

    @Test func modelReplacementScalesByParticipantsOverAttackersAndRespectsABound() {
        let update: [Float] = [3, 4]
        let plain = ModelReplacement(backdoor: Backdoor(target: 0))
        #expect(plain.craft(update, round: 1, attackerShare: 0.2, bound: 1) == [15, 20])
        let constrained = ModelReplacement(backdoor: Backdoor(target: 0), constrained: true)
        let capped = constrained.craft(update, round: 1, attackerShare: 0.2, bound: 10)
        #expect(abs(VectorMath.norm(capped) - 10) < 1e-5)
    }

    @Test func modelReplacementScalesOnlyFromItsFirstRound() throws {
        let late = try Attack.parse("model-replacement:from=5")
        guard case .modelReplacement(let replacement) = late else {
            Issue.record("parsed as \(late)")
            return
        }
        #expect(replacement.firstRound == 5)
        #expect(replacement.craft([3, 4], round: 4, attackerShare: 0.2, bound: nil) == [3, 4])
        #expect(replacement.craft([3, 4], round: 5, attackerShare: 0.2, bound: nil) == [15, 20])
        #expect(throws: AttackError.self) { try Attack.parse("model-replacement:from=0") }
        #expect(throws: AttackError.self) { try Attack.parse("model-replacement:from=2.5") }
    }

    /// The tailored search evaluates the rule itself: against the median it moves the
    /// aggregate farther from the benign mean than the AGR-agnostic update does, and against
    /// the plain mean it goes past the benign spread the agnostic attack stays inside.
    @Test func tailoredMinMaxDoesMoreDamageThroughTheRuleThanTheAgnosticOne() throws {
        #expect(try Attack.parse("min-max:agr=tailored") == .minMax(MinMaxAttack(objective: .minMax, knowledge: .tailored)))
        #expect(throws: AttackError.self) { try Attack.parse("min-max:agr=psychic") }
        let updates = benign(10)
        let mean = UpdateStatistics.meanAndDeviation(updates).mean
        let attackers: [SiteID] = ["a-0", "a-1", "a-2"]
        var known = RoundKnowledge(
            round: 1, stage: 0, participants: (0..<7).map { SiteID("h-\($0)") } + attackers, attackers: attackers,
            honest: Array(updates.prefix(7)), own: [:])
        known.honestSamples = [Int](repeating: 10, count: 7)
        for (index, site) in attackers.enumerated() {
            known.own[site] = updates[7 + index]
            known.samples[site] = 10
        }
        for index in known.honest.indices { known.samples[SiteID("h-\(index)")] = 10 }
        for rule in [AggregationRuleSpec(.median), AggregationRuleSpec(.trimmedMean(beta: 0.3)), AggregationRuleSpec()] {
            let replica = try #require(RuleReplica(rule, bound: nil))
            let damage = { (crafted: [Float]) -> Double in
                let aggregate = replica.aggregate(
                    honest: known.honest, honestSamples: known.honestSamples, crafted: crafted, attackerSamples: [10, 10, 10])!
                return UpdateStatistics.squaredDistance(aggregate, mean)
            }
            let agnostic = MinMaxAttack(objective: .minMax).craft(known, defence: rule)
            let tailored = MinMaxAttack(objective: .minMax, knowledge: .tailored).craft(known, defence: rule)
            #expect(damage(tailored) > damage(agnostic), "\(rule.kind)")
        }
        // Rules the attacker cannot replicate: the agnostic update.
        #expect(RuleReplica(AggregationRuleSpec(.recess), bound: nil) == nil)
        #expect(
            MinMaxAttack(objective: .minMax, knowledge: .tailored).craft(known, defence: AggregationRuleSpec(.recess))
                == MinMaxAttack(objective: .minMax).craft(benign: known.everyone))
    }

    @Test func theFLTrustAdaptiveAttackerKeepsAnOrdinaryCosine() {
        let updates = benign(8)
        let mean = UpdateStatistics.meanAndDeviation(updates).mean
        let crafted = AdaptiveAttack.withinCosine(updates, perturbation: .std)
        let cosines = updates.map { VectorMath.cosine($0, mean) }.sorted()
        #expect(abs(VectorMath.cosine(crafted, mean) - UpdateStatistics.median(cosines)) < 1e-4)
        #expect(VectorMath.cosine(crafted, mean) < cosines.last!)
    }

    @Test func theAdaptiveAttackerLowersFedAvgAccuracy() async throws {
        let clean = try #require(try await run(nil).finalEvaluation).averageAccuracy
        let attacked = try #require(try await run(.adaptive(AdaptiveAttack())).finalEvaluation).averageAccuracy
        #expect(attacked < clean - 0.1, "\(attacked) against clean \(clean)")
    }

    @Test func attacksAreDeterministicUnderTheSeed() async throws {
        for attack in [
            Attack.fang(FangAttack(target: .trimmedMean)), .minMax(MinMaxAttack(objective: .minSum)),
            .minMax(MinMaxAttack(objective: .minMax, knowledge: .tailored)), .adaptive(AdaptiveAttack())
        ] {
            let first = try await run(attack, rule: AggregationRuleSpec(.median), rounds: 3)
            let second = try await run(attack, rule: AggregationRuleSpec(.median), rounds: 3)
            #expect(first.finalParameters == second.finalParameters, "\(attack)")
        }
        let other = try await run(.fang(FangAttack(target: .trimmedMean)), rule: AggregationRuleSpec(.median), rounds: 3, seed: 7)
        let base = try await run(.fang(FangAttack(target: .trimmedMean)), rule: AggregationRuleSpec(.median), rounds: 3)
        #expect(other.finalParameters != base.finalParameters)
    }

    @Test func collusionFinishesUnderSiteSamplingAndWhenAColluderFails() async throws {
        let malicious: Set<SiteID> = ["site-1", "site-3", "site-5"]
        for attack in [
            Attack.alie, .minMax(MinMaxAttack(objective: .minMax)), .adaptive(AdaptiveAttack()),
            .modelReplacement(ModelReplacement(backdoor: Backdoor(target: 0), constrained: true))
        ] {
            let outcome = try await run(attack, malicious: malicious, rounds: 6, fraction: 0.5)
            #expect(outcome.rounds.count == 6)
            #expect(outcome.rounds.allSatisfy { $0.accepted && $0.stragglers.isEmpty }, "\(attack)")
            // Sampling draws 3 of 6: some rounds have fewer than all three colluders.
            #expect(outcome.rounds.contains { Set($0.participants).intersection(malicious).count < 3 })
        }
        let failing = try await run(
            .minMax(MinMaxAttack(objective: .minMax)), malicious: malicious, rounds: 3, fraction: 0.5,
            faults: ["site-3": .failTraining(rounds: [1, 2, 3]), "site-0": .failTraining(rounds: [2])])
        #expect(failing.rounds.allSatisfy { $0.stragglers.isEmpty })
    }

    @Test func theAdaptiveAttackerAnswersRecessProbesAsItSentAndTheNaiveOneDoesNot() async throws {
        for (attack, consistent) in [(Attack.adaptive(AdaptiveAttack()), true), (.minMax(MinMaxAttack(objective: .minMax)), false)] {
            let sent = SentUpdates()
            var simulation = Simulation(
                sites: sites, model: .logisticRegression, strategy: .fedAvg, rule: AggregationRuleSpec(.recess),
                configuration: try configuration(rounds: 3),
                attack: AttackPlan(attack: attack, malicious: ["site-4", "site-5"]))
            simulation.transportWrapper = { RecordingTransport(base: $0, sent: sent) }
            let outcome = try await simulation.run()
            #expect(outcome.rounds.allSatisfy { $0.accepted && $0.failures.isEmpty })
            let answers = await sent.updates
            for site: SiteID in ["site-4", "site-5"] {
                for round in 1...3 {
                    let pair = answers.filter { $0.site == site && $0.round == round }.map(\.delta)
                    try #require(pair.count == 2)  // the update and the probe's answer
                    #expect((pair[0] == pair[1]) == consistent, "\(attack) \(site) round \(round)")
                }
            }
        }
    }
}
