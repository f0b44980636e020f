import Testing

@testable import Privacy

/// The neighbour graph and the choice of k and t.
@Suite struct SecAggGraphTests {
    @Test(arguments: [(10, 4), (11, 6), (100, 16), (100, 3), (50, 7)])
    func hararyGraphsAreRegularSymmetricAndConnected(count: Int, degree: Int) throws {
        let graph = try NeighbourGraph(shape: .harary(degree: degree), count: count, seed: 42)
        for node in 0..<count {
            let neighbours = graph.neighbours(of: node)
            #expect(neighbours.count == degree)
            #expect(Set(neighbours).count == degree && !neighbours.contains(node))
            for other in neighbours { #expect(graph.neighbours(of: other).contains(node)) }
        }
        var seen: Set<Int> = [0]
        var frontier = [0]
        while let node = frontier.popLast() {
            for next in graph.neighbours(of: node) where seen.insert(next).inserted { frontier.append(next) }
        }
        #expect(seen.count == count)
    }

    @Test func theLabellingDependsOnTheSeedOnly() throws {
        let a = try NeighbourGraph(shape: .harary(degree: 6), count: 40, seed: 1)
        let b = try NeighbourGraph(shape: .harary(degree: 6), count: 40, seed: 1)
        let c = try NeighbourGraph(shape: .harary(degree: 6), count: 40, seed: 2)
        #expect((0..<40).allSatisfy { a.neighbours(of: $0) == b.neighbours(of: $0) })
        #expect(!(0..<40).allSatisfy { a.neighbours(of: $0) == c.neighbours(of: $0) })
    }

    @Test func oddDegreeOnAnOddCountIsRefused() {
        #expect(throws: SecAggError.self) { try NeighbourGraph(shape: .harary(degree: 3), count: 9, seed: 1) }
    }

    @Test func theCompleteGraphThresholdToleratesTheDropouts() throws {
        let plan = try SecAggGraphPlan.complete(clients: 100, dropout: 0.1, corruption: 0.05)
        #expect(plan.shape == .complete)
        #expect(plan.threshold == 89)
        let hospitals = try SecAggGraphPlan.complete(clients: 4, dropout: 0.25, corruption: 0)
        #expect(hospitals.threshold == 2)
        // Half the clients dropping leaves no majority threshold.
        #expect(throws: SecAggError.self) { try SecAggGraphPlan.complete(clients: 10, dropout: 0.5, corruption: 0) }
    }

    @Test func theAutomaticPlanMeetsBothBoundsWithTheSmallestDegree() throws {
        let plan = try SecAggGraphPlan.automatic(clients: 100, dropout: 0.1, corruption: 0.05)
        guard case .harary(let k) = plan.shape else {
            Issue.record("expected a Harary graph, got \(plan.shape)")
            return
        }
        #expect(k < 40)
        #expect(plan.privacyFailureLog2 <= -40)
        #expect(plan.correctnessFailureLog2 <= -30)
        #expect(2 * plan.threshold > k && plan.threshold <= k)
        // One degree lower (k - 2) cannot meet them with any majority threshold.
        for t in (k - 2) / 2 + 1...(k - 2) {
            let lower = try SecAggGraphPlan.harary(clients: 100, degree: k - 2, threshold: t, dropout: 0.1, corruption: 0.05)
            #expect(lower.privacyFailureLog2 > -40 || lower.correctnessFailureLog2 > -30)
        }
        // Large cohorts need only logarithmic degree.
        let large = try SecAggGraphPlan.automatic(clients: 100_000, dropout: 0.05, corruption: 0.05)
        guard case .harary(let kLarge) = large.shape else {
            Issue.record("expected a Harary graph")
            return
        }
        #expect(kLarge < 200)
    }

    @Test func smallCohortsFallBackToTheCompleteGraph() throws {
        let plan = try SecAggGraphPlan.automatic(clients: 4, dropout: 0.25, corruption: 0)
        #expect(plan.shape == .complete)
        #expect(plan.threshold == 2)
    }

    @Test func anExplicitThresholdOnTheCompleteGraphStandsOnItsOwn() throws {
        // Tolerating 5 of 10 dropouts, the default t = 4 is no majority of 9 neighbours and
        // `complete` refuses; an explicit majority t = 6 is valid (it just cannot survive them all).
        #expect(throws: SecAggError.self) { try SecAggGraphPlan.complete(clients: 10, dropout: 0.5, corruption: 0) }
        let plan = try SecAggGraphPlan.harary(clients: 10, degree: 9, threshold: 6, dropout: 0.5, corruption: 0)
        #expect(plan.shape == .complete)
        #expect(plan.threshold == 6)
        #expect(plan.privacyFailureLog2 == -.infinity)
        #expect(plan.correctnessFailureLog2 == 0)
        #expect(throws: SecAggError.self) { try SecAggGraphPlan.harary(clients: 10, degree: 9, threshold: 4, dropout: 0.5, corruption: 0) }
    }

    @Test func hypergeometricTailsMatchDirectCounts() {
        // HG(10, 3, 4): Pr[X >= 2] = (C(3,2)C(7,2) + C(3,3)C(7,1)) / C(10,4) = (63 + 7) / 210.
        let tail = Hypergeometric.upperTail(population: 10, marked: 3, draws: 4, atLeast: 2)
        #expect(abs(tail - 70.0 / 210.0) < 1e-12)
        #expect(Hypergeometric.upperTail(population: 10, marked: 3, draws: 4, atLeast: 4) == 0)
    }
}
