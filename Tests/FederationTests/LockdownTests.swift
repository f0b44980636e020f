import CohortTestSupport
import Learning
import Testing

@testable import Federation

@Suite struct LockdownTests {
    @Test func erkGivesSmallTensorsMoreDensityAndHitsTheTarget() {
        let shapes = [[16, 1, 3, 3], [32, 16, 3, 3], [64, 1568], [2, 64]]
        let densities = SubspaceMask.erkDensities(shapes: shapes, target: 0.25)
        let sizes = shapes.map { Double($0.reduce(1, *)) }
        let kept = zip(densities, sizes).map(*).reduce(0, +)
        #expect(abs(kept / sizes.reduce(0, +) - 0.25) < 1e-9)
        #expect(densities.allSatisfy { $0 > 0 && $0 <= 1 })
        // Uncapped tensors get density proportional to (sum of dims) / (product of dims).
        let raw = shapes.map { Double($0.reduce(0, +)) / Double($0.reduce(1, *)) }
        let uncapped = densities.indices.filter { densities[$0] < 1 }
        #expect(uncapped.count >= 2)
        for i in uncapped { #expect(abs(densities[i] / raw[i] - densities[uncapped[0]] / raw[uncapped[0]]) < 1e-9) }
        #expect(densities[3] == 1)  // the tiny output layer is kept dense
    }

    @Test func masksAreSharedBySeedAndBiasesStayDense() throws {
        let model = try Model(spec: .mlp(hidden: [32]), inputShape: Shape(20), task: .binary, seed: 1)
        let a = SubspaceMask(layout: model.layout, density: 0.25, seed: 9)
        let b = SubspaceMask(layout: model.layout, density: 0.25, seed: 9)
        #expect(a.values == b.values)
        for tensor in model.layout.tensors where tensor.shape.count == 1 {
            #expect(tensor.range.allSatisfy { a.values[$0] == 1 })
        }
        let weights = model.layout.tensors.filter { $0.shape.count > 1 }.map(\.count).reduce(0, +)
        let active = model.layout.tensors.filter { $0.shape.count > 1 }.flatMap { Array($0.range) }.filter { a.values[$0] == 1 }.count
        #expect(abs(Double(active) / Double(weights) - 0.25) < 0.02)
    }

    @Test func recoveryAddsTheLargestGradientsAndPruningDropsTheSmallestWeights() throws {
        let layout = ParameterLayout([("w", [2, 4]), ("b", [2])])
        var mask = SubspaceMask(layout: layout, density: 0.5, seed: 3)
        let before = mask.values
        let inactive = (0..<8).filter { before[$0] == 0 }
        var gradient = [Float](repeating: 0, count: 10)
        gradient[inactive[1]] = 5
        mask.recover(gradient: gradient, rate: 0.25)  // 4 active -> 1 recovered
        #expect(mask.values[inactive[1]] == 1)
        #expect(mask.activeCount == before.reduce(0) { $0 + Int($1) } + 1)
        var weights = [Float](repeating: 1, count: 10)
        let active = (0..<8).filter { mask.values[$0] == 1 }
        weights[active[2]] = 0.01
        mask.prune(weights: weights, rate: 0.2)  // 5 active -> 1 pruned
        #expect(mask.values[active[2]] == 0)
    }

    @Test func sitesSendOnlyTheirSubspaceAndFusionZeroesUnsharedParameters() async throws {
        let sites = SyntheticSites.make(count: 4, features: 12)
        let configuration = StudyConfiguration(
            studyID: "test", rounds: 4, selection: try SiteSelection(minimumSites: 4),
            training: TrainingInstructions(localSteps: 10, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
            seed: 5)
        let outcome = try await Simulation(
            sites: sites, model: .mlp(hidden: [16]), strategy: .lockdown(density: 0.5, rounds: 4, maskSeed: 5),
            configuration: configuration
        ).run()
        #expect(outcome.rounds.allSatisfy { $0.accepted })
        #expect(try #require(outcome.finalEvaluation).averageAccuracy > 0.6)
        // Same seed for every site: the masks agree, so fusion keeps exactly the shared subspace.
        let zeros = outcome.finalParameters.filter { $0 == 0 }.count
        #expect(zeros > outcome.finalParameters.count / 4)
    }

    @Test func theRateFollowsTheCosineSchedule() throws {
        let strategy = try Lockdown(initialRate: 1e-2, rounds: 10, maskSeed: 1)
        #expect(strategy.rate(for: 1) == 1e-2)
        #expect(abs(strategy.rate(for: 6) - 5e-3) < 1e-9)
        #expect(strategy.rate(for: 10) < 1e-3)
    }
}
