import Federation
import Learning

/// Small, roughly linearly separable tabular sites with different label balances (non-IID),
/// for tests that exercise the engine or the transport rather than a data set.
///
/// ```swift
/// let sites = SyntheticSites.make(count: 4)
/// let configuration = try SyntheticSites.configuration(rounds: 3, sites: sites.count)
/// ```
public enum SyntheticSites {
    /// Sites named "site-0", "site-1", ...
    public static func make(count: Int = 4, rows: Int = 60, features: Int = 5, seed: UInt64 = 1) -> [SiteData] {
        make((0..<count).map { "site-\($0)" }, rows: rows, features: features, seed: seed)
    }

    /// Sites with the given names; site i has `rows + 10 i` training rows and `rows / 2` test rows.
    public static func make(_ names: [String], rows: Int = 60, features: Int = 5, seed: UInt64 = 1) -> [SiteData] {
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

    /// Every site every round (at least `minimumSites`), SGD at 0.1 on batches of 8, evaluated every round.
    public static func configuration(
        studyID: String = "test", rounds: Int = 5, steps: Int = 10, minimumSites: Int? = nil,
        seed: UInt64 = 42, deadline: Double = 60, sites: Int = 4
    ) throws -> StudyConfiguration {
        StudyConfiguration(
            studyID: studyID, rounds: rounds,
            selection: try SiteSelection(fraction: 1, minimumSites: minimumSites ?? sites),
            training: TrainingInstructions(localSteps: steps, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
            evaluateEvery: 1, roundDeadlineSeconds: deadline, seed: seed)
    }
}
