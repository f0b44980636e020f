import Federation
import Learning

/// Small, linearly separable-ish tabular sites with different label balances (non-IID),
/// for tests that exercise the engine rather than a data set.
enum SyntheticSites {
    static func make(count: Int = 4, rows: Int = 60, features: Int = 5, seed: UInt64 = 1) -> [SiteData] {
        var generator = SeededGenerator(seed: seed)
        let truth = (0..<features).map { _ in Float(generator.nextGaussian()) }
        return (0..<count).map { index in
            func split(_ n: Int) -> Dataset {
                var x: [Float] = []
                var y: [Float] = []
                let shift = Float(index) * 0.3
                for _ in 0..<n {
                    let row = (0..<features).map { _ in Float(generator.nextGaussian()) + shift }
                    let score = zip(row, truth).map(*).reduce(0, +) + Float(generator.nextGaussian()) * 0.5
                    x += row
                    y.append(score > shift ? 1 : 0)
                }
                return Dataset(features: x, labels: y, exampleShape: Shape(features), task: .binary)
            }
            return SiteData(name: "site-\(index)", train: split(rows + index * 10), test: split(rows / 2))
        }
    }

    static func configuration(rounds: Int = 5, steps: Int = 10, minimumSites: Int? = nil, seed: UInt64 = 42,
                              deadline: Double = 60, sites: Int = 4) -> StudyConfiguration {
        StudyConfiguration(studyID: "test", rounds: rounds,
                           selection: SiteSelection(fraction: 1, minimumSites: minimumSites ?? sites),
                           training: TrainingInstructions(localSteps: steps, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
                           evaluateEvery: 1, roundDeadlineSeconds: deadline, seed: seed)
    }
}
