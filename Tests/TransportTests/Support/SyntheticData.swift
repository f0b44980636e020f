import Federation
import Learning

/// Small tabular sites with different label balances, for tests of the transport rather
/// than of a data set.
enum SyntheticData {
    static func sites(_ names: [String], rows: Int = 40, features: Int = 5, seed: UInt64 = 7) -> [SiteData] {
        var generator = SeededGenerator(seed: seed)
        let truth = (0..<features).map { _ in Float(generator.nextGaussian()) }
        return names.enumerated().map { index, name in
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
            return SiteData(name: name, train: split(rows + index * 10), test: split(rows / 2))
        }
    }

    static func configuration(rounds: Int = 3, sites: Int, minimumSites: Int? = nil, deadline: Double = 30) -> StudyConfiguration {
        StudyConfiguration(studyID: "synthetic", rounds: rounds,
                           selection: SiteSelection(fraction: 1, minimumSites: minimumSites ?? sites),
                           training: TrainingInstructions(localSteps: 10, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
                           evaluateEvery: 1, roundDeadlineSeconds: deadline, seed: 42)
    }
}
