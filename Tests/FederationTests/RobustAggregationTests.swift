import CohortTestSupport
import Learning
import Testing

@testable import Federation

@Suite struct RobustAggregationTests {
    let instructions = TrainingInstructions(localSteps: 3, batchSize: 4, optimizer: .sgd(learningRate: 0.1))

    func update(_ delta: [Float], site: String, samples: Int = 10) -> SiteUpdate {
        SiteUpdate(
            study: "s", site: SiteID(site), round: 1, delta: delta, sampleCount: samples,
            training: TrainingSummary(steps: 1, examples: samples, meanLoss: 0.5))
    }

    func aggregate(_ rule: any AggregationRule, _ deltas: [[Float]]) throws -> RoundAggregate {
        var aggregator = try rule.makeAggregator(
            for: RoundContext(
                round: 1, globalParameters: [Float](repeating: 0, count: deltas[0].count), instructions: instructions))
        for (index, delta) in deltas.enumerated() { try aggregator.fold(update(delta, site: "s\(index)")) }
        return try aggregator.finish()
    }

    /// Random benign updates around a common direction, plus `outliers` far away.
    func population(benign: Int, outliers: Int, count: Int, seed: UInt64 = 3) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        let direction = (0..<count).map { _ in Float(generator.nextGaussian()) }
        let good = (0..<benign).map { _ in direction.map { $0 + Float(generator.nextGaussian()) * 0.1 } }
        let bad = (0..<outliers).map { _ in direction.map { -50 * $0 + Float(generator.nextGaussian()) * 20 } }
        return good + bad
    }

    @Test func medianMatchesASortedReference() throws {
        var generator = SeededGenerator(seed: 11)
        for n in [1, 2, 5, 10] {
            let deltas = (0..<n).map { _ in (0..<37).map { _ in generator.nextUnitFloat() } }
            let result = try aggregate(CoordinateMedian(), deltas).meanDelta
            for j in 0..<37 {
                let column = deltas.map { $0[j] }.sorted()
                let expected = n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2
                #expect(result[j] == expected)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 7, 16, 17, 31, 64, 100, 129])
    func theSortingNetworkSortsEveryLane(count: Int) {
        let network = SortingNetwork(count: count)
        var generator = SeededGenerator(seed: UInt64(count))
        // Ties and signed zeros included: the network must agree with a plain sort.
        let columns = (0..<16).map { _ in (0..<count).map { _ in Float(Int(generator.nextUnitFloat() * 9) - 4) * 0.5 } }
        let lanes = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: network.paddedCount)
        defer { lanes.deallocate() }
        for row in 0..<network.paddedCount {
            lanes[row] = SIMD16((0..<16).map { row < count ? columns[$0][row] : .infinity })
        }
        network.sort(lanes)
        for lane in 0..<16 {
            #expect((0..<count).map { lanes[$0][lane] } == columns[lane].sorted(), "lane \(lane)")
        }
        #expect(network.paddedCount >= count && network.paddedCount < 2 * max(count, 1) + 1)
    }

    @Test func vectorLanesAndScalarTailsGiveTheSameBits() throws {
        // 16 x 3 coordinates through SIMD lanes and 5 through the scalar tail, for odd and even counts.
        for updates in [9, 10] {
            let deltas = population(benign: updates - 2, outliers: 2, count: 53, seed: UInt64(updates))
            let store = UpdateStore(parameterCount: 53)
            for delta in deltas { try store.append(delta) }
            for statistic in [SortedStatistic.median, .trimmedMean(trim: 2)] {
                let fast = try aggregateSortedCoordinates(of: store, statistic: statistic)
                for j in 0..<53 {
                    let column = deltas.map { $0[j] }.sorted()
                    let expected = column.withUnsafeBufferPointer { statistic.value(ofSorted: $0.baseAddress!, count: updates) }
                    #expect(fast[j].bitPattern == expected.bitPattern, "\(statistic) coordinate \(j)")
                }
            }
        }
        #expect(throws: AggregationRuleError.self) {
            try aggregateSortedCoordinates(of: UpdateStore(parameterCount: 3), statistic: .trimmedMean(trim: 0))
        }
    }

    @Test func trimmedMeanMatchesASortedReference() throws {
        var generator = SeededGenerator(seed: 12)
        let deltas = (0..<10).map { _ in (0..<29).map { _ in generator.nextUnitFloat() * 4 - 2 } }
        for beta in [0.0, 0.1, 0.2, 0.45] {
            let result = try aggregate(TrimmedMean(beta: beta), deltas).meanDelta
            let trim = Int(beta * 10)
            for j in 0..<29 {
                let kept = deltas.map { $0[j] }.sorted()[trim..<(10 - trim)]
                #expect(abs(result[j] - kept.reduce(0, +) / Float(kept.count)) < 1e-6)
            }
        }
        #expect(throws: AggregationRuleError.self) { try TrimmedMean(beta: 0.5) }
    }

    @Test func medianAndTrimmedMeanIgnoreAMinorityOfOutliers() throws {
        let deltas = population(benign: 7, outliers: 3, count: 50)
        let truth = deltas[0..<7].reduce([Float](repeating: 0, count: 50)) { zip($0, $1).map(+) }.map { $0 / 7 }
        for rule in [CoordinateMedian() as any AggregationRule, try TrimmedMean(beta: 0.3)] {
            let result = try aggregate(rule, deltas).meanDelta
            #expect(VectorMath.cosine(result, truth) > 0.99)
        }
        let plain = try aggregate(WeightedMean(), deltas).meanDelta
        #expect(VectorMath.cosine(plain, truth) < 0)
    }

    @Test func krumKeepsTheClusterAndDropsOutliers() throws {
        let deltas = population(benign: 7, outliers: 2, count: 40)
        let krum = try aggregate(Krum(f: 2), deltas)
        let chosen = krum.shares!.filter { $0.value > 0 }.map(\.key)
        #expect(chosen.count == 1)
        #expect(!["s7", "s8"].contains(chosen[0].name))
        let multi = try aggregate(Krum(f: 2, keep: 5), deltas)
        #expect(multi.shares!.filter { $0.value > 0 }.count == 5)
        #expect(multi.shares!["s7"] == 0 && multi.shares!["s8"] == 0)
        #expect(throws: AggregationRuleError.self) { try aggregate(Krum(f: 3), Array(deltas.prefix(8))) }
    }

    @Test func krumDistancesMatchDirectComputation() throws {
        let deltas = population(benign: 4, outliers: 1, count: 3000, seed: 4)
        let store = UpdateStore(parameterCount: 3000, memoryBudgetBytes: 2 * 3000 * 4)  // forces a spill
        for delta in deltas { try store.append(delta) }
        let distances = try pairwiseSquaredDistances(in: store)
        for i in 0..<5 {
            for j in 0..<5 {
                let direct = zip(deltas[i], deltas[j]).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
                #expect(abs(distances[i][j] - direct) <= 1e-4 * max(1, direct))
            }
        }
    }

    @Test func bulyanNeedsFourFPlusThreeAndResistsOutliers() throws {
        let deltas = population(benign: 9, outliers: 2, count: 30)
        let truth = deltas[0..<9].reduce([Float](repeating: 0, count: 30)) { zip($0, $1).map(+) }.map { $0 / 9 }
        let result = try aggregate(Bulyan(f: 2), deltas)
        #expect(VectorMath.cosine(result.meanDelta, truth) > 0.99)
        #expect(result.shares!["s9"] == 0 && result.shares!["s10"] == 0)
        #expect(throws: AggregationRuleError.self) { try aggregate(Bulyan(f: 2), Array(deltas.prefix(10))) }
    }

    @Test func bulyanTakesTheValuesNearestTheMedian() {
        var values: [Float] = [10, -3, 0, 1, 2, 100, 1.5]
        let mean = values.withUnsafeMutableBufferPointer { Bulyan.meanClosestToMedian($0.baseAddress!, count: 7, keep: 3) }
        let expected: Float = (1 + 1.5 + 2) / 3
        #expect(mean == expected)
    }

    @Test func spilledStoreGivesTheSameMedianAsMemory() throws {
        let deltas = population(benign: 6, outliers: 0, count: 5000)
        let inMemory = UpdateStore(parameterCount: 5000)
        let spilled = UpdateStore(parameterCount: 5000, memoryBudgetBytes: 5000 * 4)
        for delta in deltas {
            try inMemory.append(delta)
            try spilled.append(delta)
        }
        #expect(spilled.residentBytes == 5000 * 4)
        let a = try aggregateSortedCoordinates(of: inMemory, statistic: .median)
        let b = try aggregateSortedCoordinates(of: spilled, statistic: .median)
        #expect(a == b)
        #expect(try spilled.vector(at: 4) == deltas[4])
    }

    @Test func flTrustGivesNoTrustToUpdatesAgainstTheRootDirection() throws {
        let sites = SyntheticSites.make(count: 1, rows: 80)
        let rule = try FLTrust(rootData: sites[0].train, model: .logisticRegression, seed: 1)
        let global = [Float](repeating: 0, count: 6)
        var aggregator = try rule.makeAggregator(for: RoundContext(round: 1, globalParameters: global, instructions: instructions))
        // The honest direction is what training on the same data does; its negation is an attack.
        let model = try Model(spec: .logisticRegression, inputShape: sites[0].train.exampleShape, task: .binary, seed: 1)
        model.parameters = global
        var sampler = BatchSampler(rowCount: sites[0].train.count, batchSize: 4, seed: 9)
        var optimizer = instructions.optimizer.makeOptimizer(parameterCount: 6)
        _ = model.train(on: sites[0].train, steps: 3, sampler: &sampler, optimizer: &optimizer)
        let honest = model.parameters
        try aggregator.fold(update(honest, site: "honest"))
        try aggregator.fold(update(honest.map { -100 * $0 }, site: "attacker"))
        let result = try aggregator.finish()
        #expect(result.shares!["attacker"] == 0)
        #expect(result.shares!["honest"] == 1)
        #expect(VectorMath.cosine(result.meanDelta, honest) > 0.999)
    }

    @Test func normBoundClipsLargeUpdatesAndAdapts() throws {
        var rule = try NormBounded(WeightedMean(), bound: .fixed(1))
        let result = try aggregate(rule, [[3, 4], [0.3, 0.4]])  // norms 5 and 0.5
        #expect(abs(result.meanDelta[0] - (0.6 + 0.3) / 2) < 1e-6)
        #expect(result.updateNorms?["s0"] == 5)
        var adaptive = try NormBounded(WeightedMean(), bound: .adaptive(multiplier: 2))
        #expect(adaptive.currentBound == nil)
        adaptive.roundFinished(try aggregate(adaptive, [[1, 0], [2, 0], [30, 0]]))
        #expect(adaptive.currentBound == 4)  // 2 x median norm 2
        rule.roundFinished(result)
        #expect(rule.currentBound == 1)
        #expect(throws: AggregationRuleError.self) { try NormBounded(WeightedMean(), bound: .fixed(-1)) }
    }

    @Test func coordinatorRefusesRulesThatCannotWorkWithTheStudy() async throws {
        let sites = SyntheticSites.make()
        let simulation = Simulation(
            sites: sites, model: .logisticRegression, strategy: .fedAvg,
            rule: AggregationRuleSpec(.krum(f: 1)), configuration: try SyntheticSites.configuration())
        await #expect(throws: CoordinatorError.self) { try await simulation.run() }
        let scaffold = Simulation(
            sites: sites, model: .logisticRegression, strategy: .scaffold(),
            rule: AggregationRuleSpec(.median), configuration: try SyntheticSites.configuration())
        await #expect(throws: CoordinatorError.self) { try await scaffold.run() }
    }

    @Test(arguments: [
        AggregationRuleSpec(.median), AggregationRuleSpec(.trimmedMean(beta: 0.25)), AggregationRuleSpec(.krum(f: 0)),
        AggregationRuleSpec(.multiKrum(f: 0, keep: 3)), AggregationRuleSpec(.mean, normBound: .adaptive(multiplier: 1.5))
    ])
    func robustRulesTrainOnCleanData(rule: AggregationRuleSpec) async throws {
        let outcome = try await Simulation(
            sites: SyntheticSites.make(), model: .logisticRegression, strategy: .fedAvg, rule: rule,
            configuration: try SyntheticSites.configuration(rounds: 8)
        ).run()
        #expect(outcome.rounds.allSatisfy { $0.accepted })
        #expect(try #require(outcome.finalEvaluation).averageAccuracy > 0.7)
    }
}

@Suite struct RecessTests {
    let instructions = TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1))

    func update(_ delta: [Float], _ site: String) -> SiteUpdate {
        SiteUpdate(
            study: "s", site: SiteID(site), round: 1, delta: delta, sampleCount: 10,
            training: TrainingSummary(steps: 1, examples: 10, meanLoss: 0))
    }

    @Test func probesUseEachSitesOwnDirectionAtTheMedianNorm() throws {
        let rule = RecessRule()
        var aggregator = try rule.makeAggregator(for: RoundContext(round: 1, globalParameters: [1, 1], instructions: instructions)) as! any ProbingAggregator
        try aggregator.fold(update([3, 4], "a"))  // norm 5
        try aggregator.fold(update([0, 1], "b"))  // norm 1
        try aggregator.fold(update([0, -2], "c"))  // norm 2 (the median)
        let probes = try aggregator.probes()
        #expect(probes.map(\.site) == ["a", "b", "c"])
        #expect(probes[0].parameters == [1 + 1.2, 1 + 1.6])
        #expect(probes[1].parameters == [1, 3])
        #expect(probes[2].parameters == [1, -1])
        _ = rule
    }

    @Test func anAttackerThatFlipsItsAnswerLosesTrustAndWeight() throws {
        var rule = RecessRule()
        var shares: [[SiteID: Double]] = []
        for round in 1...3 {
            var aggregator =
                try rule.makeAggregator(for: RoundContext(round: round, globalParameters: [0, 0, 0], instructions: instructions)) as! any ProbingAggregator
            let honest: [Float] = [1, 0.5, 0.2]
            for site in ["h1", "h2", "h3"] { try aggregator.fold(update(honest, site)) }
            try aggregator.fold(update(honest.map { -$0 }, "evil"))
            for site in ["h1", "h2", "h3"] { aggregator.record(response: update(honest, site)) }
            aggregator.record(response: update(honest, "evil"))  // its answer contradicts what it sent
            let aggregate = try aggregator.finish()
            #expect(aggregate.siteScores!["evil"]! > 0.9)
            #expect(aggregate.siteScores!["h1"]! < -0.9)
            shares.append(aggregate.shares!)
            rule.roundFinished(aggregate)
        }
        #expect(shares.last!["evil"]! < shares.first!["evil"]!)
        // Trust is capped at TS_init (1): the honest sites stay at 1 and the flipper falls to
        // -2 after three rounds, a softmax share of e^-2 / (3e + e^-2) = 0.016.
        #expect(shares.last!["evil"]! < 0.02)
        #expect(rule.trust["evil"]! < rule.trust["h1"]!)
        #expect(rule.trust["h1"]! == rule.initialTrust)
    }

    @Test func recessRunsInTheCoordinatorWithAProbeStage() async throws {
        let outcome = try await Simulation(
            sites: SyntheticSites.make(), model: .logisticRegression, strategy: .fedAvg,
            rule: AggregationRuleSpec(.recess), configuration: try SyntheticSites.configuration(rounds: 5)
        ).run()
        #expect(outcome.rounds.allSatisfy { $0.accepted && $0.failures.isEmpty })
        #expect(try #require(outcome.finalEvaluation).averageAccuracy > 0.7)
    }
}
