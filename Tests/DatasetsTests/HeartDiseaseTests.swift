import Foundation
import Learning
import Testing

@testable import Datasets

/// heart-reference.json, written by scripts/make_heart_fixture.py from the anchors' heart_data.py.
private struct HeartReference: Decodable {
    struct Summary: Decodable {
        var count: Int
        var positives: Int
        var head: [[Float]]
        var last: [Float]
        var columnMeans: [Double]
    }
    struct Splits: Decodable {
        var train: Summary
        var test: Summary
    }
    struct Center: Decodable {
        var name: String
        var siteStandardized: Splits
        var pooledStandardized: Splits
    }
    var centers: [Center]
}

private func row(_ data: Dataset, _ index: Int) -> [Float] {
    Array(data.features[(index * data.featureCount)..<((index + 1) * data.featureCount)])
}

private func columnMeans(_ data: Dataset) -> [Double] {
    (0..<data.featureCount).map { j in
        (0..<data.count).reduce(0.0) { $0 + Double(data.features[$1 * data.featureCount + j]) } / Double(data.count)
    }
}

/// Compares a split with the reference: sizes, labels and rows exactly (bit for bit: the same
/// Float32 arithmetic in the same order), column means (Double sums in a different order) to 1e-9.
private func expectMatches(_ data: Dataset, _ reference: HeartReference.Summary, _ what: String) {
    #expect(data.count == reference.count, "\(what) size")
    #expect(Int(data.labels.reduce(0, +)) == reference.positives, "\(what) positives")
    for (index, expected) in reference.head.enumerated() {
        let actual = row(data, index)
        #expect(zip(actual, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(what) row \(index): \(actual) vs \(expected)")
    }
    let last = row(data, data.count - 1)
    #expect(zip(last, reference.last).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(what) last row: \(last) vs \(reference.last)")
    let means = columnMeans(data)
    #expect(zip(means, reference.columnMeans).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(what) column means: \(means)")
}

@Suite("UCI Heart Disease, FLamby protocol")
struct HeartDiseaseTests {
    let data: HeartDiseaseData

    init() throws { data = try HeartDisease.load() }

    @Test func siteNamesAndSplitSizesMatchFLamby() {
        #expect(data.sites.map(\.name) == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(data.sites.map(\.train.count) == [199, 172, 30, 85])
        #expect(data.sites.map(\.test.count) == [104, 89, 16, 45])
        #expect(data.sites.reduce(0) { $0 + $1.train.count + $1.test.count } == 740)
        #expect(data.pooledTrain.count == 486)
        #expect(data.pooledTest.count == 254)
    }

    @Test func positivesPerCenterMatchTheCleanedFiles() {
        let positives = data.sites.map { Int(($0.train.labels + $0.test.labels).reduce(0, +)) }
        #expect(positives == [139, 98, 45, 101])
        #expect(data.sites.allSatisfy { ($0.train.labels + $0.test.labels).allSatisfy { $0 == 0 || $0 == 1 } })
    }

    @Test func thirteenFeaturesInGetDummiesOrder() {
        #expect(
            data.featureNames == [
                "age", "sex", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak",
                "cp=2.0", "cp=3.0", "cp=4.0", "restecg=1.0", "restecg=2.0"
            ])
        for site in data.sites + data.pooledStandardized {
            #expect(site.train.exampleShape == Shape([13]))
            #expect(site.test.exampleShape == Shape([13]))
            #expect(site.train.task == .binary)
            #expect(site.train.firstNonFiniteFeature == nil && site.test.firstNonFiniteFeature == nil)
        }
    }

    @Test func siteStandardizationMatchesHeartDataPy() throws {
        let reference = try Fixtures.decode(HeartReference.self, from: "heart-reference.json")
        for (site, center) in zip(data.sites, reference.centers) {
            #expect(site.name == center.name)
            expectMatches(site.train, center.siteStandardized.train, "\(site.name) train")
            expectMatches(site.test, center.siteStandardized.test, "\(site.name) test")
        }
    }

    @Test func pooledStandardizationMatchesHeartDataPy() throws {
        let reference = try Fixtures.decode(HeartReference.self, from: "heart-reference.json")
        for (site, center) in zip(data.pooledStandardized, reference.centers) {
            expectMatches(site.train, center.pooledStandardized.train, "\(site.name) pooled train")
            expectMatches(site.test, center.pooledStandardized.test, "\(site.name) pooled test")
        }
    }

    @Test func eachSiteTrainSplitIsCenteredOnItsOwnStatistics() {
        // Standardizing by the site's own train statistics leaves the train columns with mean 0
        // and (for non-constant columns) standard deviation 1; the pooled version does not.
        for site in data.sites {
            let statistics = FeatureStatistics(of: site.train)
            #expect(statistics.mean.allSatisfy { abs($0) < 1e-5 }, "\(site.name): \(statistics.mean)")
            #expect(
                statistics.standardDeviation.allSatisfy { abs($0 - 1) < 1e-5 || $0 == 0 },
                "\(site.name): \(statistics.standardDeviation)")
        }
        let pooled = FeatureStatistics(of: data.pooledTrain)
        #expect(pooled.mean.allSatisfy { abs($0) < 1e-5 })
        #expect(FeatureStatistics(of: data.pooledStandardized[2].train).mean.contains { abs($0) > 0.1 })
    }

    @Test func switzerlandCholesterolIsConstantAndStandardizesToZero() {
        // chol is 0 in every Switzerland row (a disguised missing value FLamby keeps): std is 0,
        // and the 1e-9 epsilon must turn (0 - 0) / (0 + 1e-9) into 0, not NaN.
        let chol = data.featureNames.firstIndex(of: "chol")!
        #expect(data.siteStatistics[2].standardDeviation[chol] == 0)
        let switzerland = data.sites[2]
        #expect((0..<switzerland.train.count).allSatisfy { switzerland.train.features[$0 * 13 + chol] == 0 })
    }

    @Test func userDirectoryWithTheSameFilesGivesTheSameData() throws {
        let fromSources = try HeartDisease.load(from: Fixtures.heartSources)
        #expect(fromSources == data)
    }

    @Test func crlfLineEndsAndBlankLinesParseTheSame() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder, editing: "va") { $0.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n" }
            #expect(try HeartDisease.load(from: folder) == data)
        }
    }
}

@Suite("Heart Disease seeded split")
struct HeartDiseaseSeededSplitTests {
    @Test func sameSeedSameSplitDifferentSeedDifferentSplit() throws {
        let a = try HeartDisease.load(split: .seeded(7))
        let b = try HeartDisease.load(split: .seeded(7))
        let c = try HeartDisease.load(split: .seeded(8))
        #expect(a == b)
        #expect(a.sites.map(\.train) != c.sites.map(\.train))
        #expect(a.sites.map(\.train) != (try HeartDisease.load()).sites.map(\.train))
    }

    @Test func sizesFollowSklearnsRule() throws {
        let data = try HeartDisease.load(split: .seeded(123))
        #expect(data.sites.map(\.train.count) == [199, 172, 30, 85])
        #expect(data.sites.map(\.test.count) == [104, 89, 16, 45])
        let positives = data.sites.map { Int(($0.train.labels + $0.test.labels).reduce(0, +)) }
        #expect(positives == [139, 98, 45, 101])
    }

    @Test func stratifiedCentersKeepTheirPositiveRateInBothSplits() throws {
        let data = try HeartDisease.load(split: .seeded(99))
        // Switzerland has a single negative, so it is not stratified (FLamby's rule).
        for (site, (rows, positives)) in zip(data.sites, zip([303, 261, 130], [139, 98, 101])) where site.name != "switzerland" {
            let expectedTrain = Double(site.train.count * positives) / Double(rows)
            let actualTrain = Double(site.train.labels.reduce(0, +))
            #expect(abs(actualTrain - expectedTrain) < 1, "\(site.name): \(actualTrain) vs \(expectedTrain)")
        }
    }
}

@Suite("Train/test split sizes and stratification")
struct TrainTestSplitTests {
    @Test func sizesMatchScikitLearn() {
        // (n, n_train, n_test) from sklearn.model_selection._split._validate_shuffle_split(n, 1.0 - 0.66, 0.66).
        let expected = [(3, 1, 2), (7, 4, 3), (46, 30, 16), (50, 33, 17), (100, 66, 34), (130, 85, 45), (261, 172, 89), (303, 199, 104)]
        for (n, train, test) in expected {
            let sizes = TrainTestSplit.sizes(count: n, trainFraction: 0.66, testFraction: 1.0 - 0.66)
            #expect(sizes.train == train && sizes.test == test, "n = \(n): \(sizes)")
        }
    }

    @Test func splitCoversEveryRowOnceAndIsAscending() {
        var generator = SeededGenerator(seed: 1)
        let labels = (0..<101).map { Float($0 % 3 == 0 ? 1 : 0) }
        let split = TrainTestSplit.shuffled(labels: labels, trainFraction: 0.66, using: &generator)
        #expect((split.train + split.test).sorted() == Array(0..<101))
        #expect(split.train == split.train.sorted() && split.test == split.test.sorted())
        #expect(split.train.count == 66 && split.test.count == 35)
    }

    @Test func apportionGivesLargestRemaindersTheLeftovers() {
        var generator = SeededGenerator(seed: 5)
        // 10 draws over counts 5/3/2 (exact shares 5, 3, 2) and 7 draws (3.5, 2.1, 1.4 -> 3+1, 2, 1).
        #expect(TrainTestSplit.apportion(10, over: [5, 3, 2], using: &generator) == [5, 3, 2])
        #expect(TrainTestSplit.apportion(7, over: [5, 3, 2], using: &generator) == [4, 2, 1])
    }
}
