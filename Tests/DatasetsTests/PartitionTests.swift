import Foundation
import Learning
import Testing

@testable import Datasets

/// 1,000 rows over 4 classes (40/30/20/10%), one feature holding the row index so that a
/// subset can be traced back to the rows it took.
private let labelled: Dataset = {
    let labels = (0..<1000).map { row -> Float in row % 10 < 4 ? 0 : row % 10 < 7 ? 1 : row % 10 < 9 ? 2 : 3 }
    return Dataset(features: (0..<1000).map(Float.init), labels: labels, exampleShape: Shape([1]), task: .multiclass(classes: 4))
}()

/// Mean total-variation distance between each site's label distribution and the global one:
/// 0 for identical mixes, approaching 1 when each site holds classes the others lack.
private func labelSkew(_ sites: [[Int]], labels: [Float], classes: Int) -> Double {
    var global = [Double](repeating: 0, count: classes)
    for label in labels { global[Int(label)] += 1 / Double(labels.count) }
    let distances = sites.map { rows -> Double in
        var local = [Double](repeating: 0, count: classes)
        for row in rows { local[Int(labels[row])] += 1 / Double(rows.count) }
        return zip(local, global).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
    }
    return distances.reduce(0, +) / Double(distances.count)
}

@Suite("Dirichlet label-skew partition")
struct DirichletPartitionTests {
    @Test func sameSeedSamePartitionOtherSeedOther() throws {
        let a = try DirichletPartition(siteCount: 5, alpha: 0.5, seed: 11).assignments(labels: labelled.labels)
        let b = try DirichletPartition(siteCount: 5, alpha: 0.5, seed: 11).assignments(labels: labelled.labels)
        let c = try DirichletPartition(siteCount: 5, alpha: 0.5, seed: 12).assignments(labels: labelled.labels)
        #expect(a == b)
        #expect(a != c)
    }

    @Test(arguments: [0.05, 0.5, 5.0])
    func everyRowGoesToExactlyOneSite(alpha: Double) throws {
        let partition = try DirichletPartition(siteCount: 6, alpha: alpha, seed: 3, minimumPerSite: 10)
        let sites = try partition.split(labelled)
        let rows = sites.flatMap(\.features).map(Int.init).sorted()
        #expect(rows == Array(0..<1000))
        #expect(sites.allSatisfy { $0.count >= 10 })
        // Each subset carries its own rows' labels.
        for site in sites {
            #expect(zip(site.features, site.labels).allSatisfy { labelled.labels[Int($0)] == $1 })
        }
    }

    @Test func skewGrowsAsAlphaShrinks() throws {
        // Averaged over seeds so that one lucky draw cannot decide the order.
        func meanSkew(_ alpha: Double) throws -> Double {
            var total = 0.0
            for seed in UInt64(0)..<20 {
                let sites = try DirichletPartition(siteCount: 8, alpha: alpha, seed: seed, minimumPerSite: 5)
                    .assignments(labels: labelled.labels)
                total += labelSkew(sites, labels: labelled.labels, classes: 4)
            }
            return total / 20
        }
        let skews = try [100.0, 1.0, 0.1].map(meanSkew)
        #expect(skews[0] < 0.08, "alpha 100 should be nearly IID: \(skews)")
        #expect(skews[0] < skews[1] && skews[1] < skews[2], "\(skews)")
        #expect(skews[2] > 0.4, "alpha 0.1 should leave sites with few classes: \(skews)")
    }

    @Test func settingsNoDrawCanUseAreRefusedNotTrapped() {
        for alpha in [0, -1, .nan, .infinity] {
            #expect(throws: PartitionError.self) { try DirichletPartition(siteCount: 4, alpha: alpha, seed: 1) }
        }
        #expect(throws: PartitionError.self) { try DirichletPartition(siteCount: 0, alpha: 0.5, seed: 1) }
        #expect(throws: PartitionError.self) { try DirichletPartition(siteCount: 4, alpha: 0.5, seed: 1, minimumPerSite: -1) }
        #expect(throws: PartitionError.self) { try DirichletPartition(siteCount: 4, alpha: 0.5, seed: 1, maximumAttempts: 0) }
        #expect(throws: PartitionError.self) { try IIDPartition(siteCount: 0, seed: 1) }
    }

    @Test func impossibleMinimumsThrowInsteadOfLooping() {
        #expect(throws: PartitionError.tooFewExamples(rows: 1000, sites: 30, minimumPerSite: 40)) {
            try DirichletPartition(siteCount: 30, alpha: 1, seed: 0, minimumPerSite: 40).assignments(labels: labelled.labels)
        }
        // Two classes at alpha 0.001 go almost entirely to one site each: 10 sites cannot all get 50.
        let twoClasses = (0..<1000).map { Float($0 % 2) }
        #expect(throws: PartitionError.minimumNotReached(sites: 10, alpha: 0.001, minimumPerSite: 50, attempts: 50)) {
            try DirichletPartition(siteCount: 10, alpha: 0.001, seed: 0, minimumPerSite: 50, maximumAttempts: 50)
                .assignments(labels: twoClasses)
        }
    }

    @Test func sitesShareTrainProportionsWithTheirTestSets() throws {
        let data = try MedMNIST.bundledBreastMNIST()
        let sites = try DirichletPartition(siteCount: 4, alpha: 0.3, seed: 21).sites(train: data.train, test: data.test)
        #expect(sites.map(\.name) == ["site-0", "site-1", "site-2", "site-3"])
        #expect(sites.reduce(0) { $0 + $1.train.count } == 546)
        #expect(sites.reduce(0) { $0 + $1.test.count } == 156)
        let comparable = sites.filter { $0.train.count >= 40 && $0.test.count >= 15 }
        #expect(!comparable.isEmpty)
        for site in comparable {
            let trainRate = Double(site.train.classCounts[0]) / Double(site.train.count)
            let testRate = Double(site.test.classCounts[0]) / Double(site.test.count)
            #expect(abs(trainRate - testRate) < 0.2, "\(site.name): \(trainRate) vs \(testRate)")
        }
    }
}

@Suite("Gamma and Dirichlet sampling")
struct GammaSamplingTests {
    @Test(arguments: [0.1, 0.5, 1.0, 3.0, 20.0])
    func gammaMomentsMatchTheDistribution(shape: Double) {
        // Gamma(k, 1) has mean k, variance k and excess kurtosis 6 / k. Allow 5 standard errors
        // for both sample moments: sqrt(k / n) for the mean, and a relative
        // sqrt(2 / (n - 1) + (6 / k) / n) for the variance.
        var generator = SeededGenerator(seed: 77)
        let n = 40_000
        let draws = (0..<n).map { _ in exp(generator.nextLogGamma(shape: shape)) }
        let mean = draws.reduce(0, +) / Double(n)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean - shape) < 5 * (shape / Double(n)).squareRoot(), "mean \(mean) for shape \(shape)")
        let relativeError = (2 / Double(n - 1) + 6 / shape / Double(n)).squareRoot()
        #expect(abs(variance - shape) / shape < 5 * relativeError, "variance \(variance) for shape \(shape)")
    }

    @Test func tinyConcentrationsStillGiveProbabilityVectors() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<100 {
            let p = generator.nextDirichlet(concentration: 0.001, count: 10)
            #expect(p.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        }
    }
}

@Suite("IID partition")
struct IIDPartitionTests {
    @Test func nearEqualDeterministicAndComplete() throws {
        let sites = try IIDPartition(siteCount: 7, seed: 4).assignments(count: 1000)
        let again = try IIDPartition(siteCount: 7, seed: 4).assignments(count: 1000)
        let otherSeed = try IIDPartition(siteCount: 7, seed: 5).assignments(count: 1000)
        #expect(sites == again)
        #expect(sites != otherSeed)
        #expect(sites.flatMap { $0 }.sorted() == Array(0..<1000))
        #expect(Set(sites.map(\.count)).isSubset(of: [142, 143]))
        #expect(labelSkew(sites, labels: labelled.labels, classes: 4) < 0.06)
    }

    @Test func sitesSplitTrainAndTest() throws {
        let data = try MedMNIST.bundledBreastMNIST()
        let sites = try IIDPartition(siteCount: 3, seed: 1).sites(train: data.train, test: data.test)
        #expect(sites.map(\.train.count) == [182, 182, 182])
        #expect(sites.map(\.test.count) == [52, 52, 52])
    }
}
