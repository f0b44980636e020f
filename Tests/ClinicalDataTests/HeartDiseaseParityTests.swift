import Foundation
import Learning
import Testing

@testable import ClinicalData

/// The UCI files through the generic CSV path, with the shipped uci-heart-disease study and
/// mapping, give exactly FLamby's Fed-Heart-Disease dataset (Cohort's `Datasets.HeartDisease`).
struct HeartDiseaseParityTests {
    private func sites() throws -> [(name: String, dataset: Dataset)] {
        let study = try TestData.heart()
        let mapping = try CSVMapping.bundled("uci-heart-disease-processed")
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: mapping))
        let parts = try SiteSplitter(grouping: .file, siteCount: nil).split(cohort)
        let encoder = CohortEncoder(study: study)
        // Complete-case study: nothing is imputed, so the imputation values are never read.
        return parts.map { ($0.name, encoder.encode($0.cohort.rows, imputation: Array(repeating: .nan, count: study.features.count))) }
    }

    @Test func rowsEqualFLambysFeatureMatrixBitForBit() throws {
        let text = try String(contentsOf: TestData.fixture("heart-flamby-encoded.csv"), encoding: .utf8)
        var expected = [String: (features: [Float], labels: [Float])]()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            let values = fields.dropFirst().map { Float(String($0))! }
            expected[String(fields[0]), default: ([], [])].features += values.dropLast()
            expected[String(fields[0]), default: ([], [])].labels.append(values.last!)
        }
        let sites = try sites()
        #expect(sites.map(\.name) == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(sites.map(\.dataset.count) == [303, 261, 46, 130])
        for (name, dataset) in sites {
            let reference = try #require(expected[name])
            #expect(dataset.labels == reference.labels, "\(name) labels")
            #expect(dataset.features.count == reference.features.count)
            #expect(zip(dataset.features, reference.features).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name) features")
        }
    }

    /// Applying FLamby's shipped split and per-site standardization reproduces the Datasets
    /// module's reference values (Tests/DatasetsTests/Fixtures/heart-reference.json) bit for bit.
    @Test func flambySplitAndStandardizationMatchTheDatasetsReference() throws {
        struct Split: Decodable {
            struct Center: Decodable {
                var name: String
                var train: [Int]
                var test: [Int]
            }
            var centers: [Center]
        }
        struct Reference: Decodable {
            struct Summary: Decodable {
                var count: Int
                var positives: Int
                var head: [[Float]]
                var last: [Float]
                var columnMeans: [Double]
            }
            struct Center: Decodable {
                struct Standardized: Decodable {
                    var train: Summary
                    var test: Summary
                }
                var name: String
                var siteStandardized: Standardized
            }
            var centers: [Center]
        }
        let split = try JSONDecoder().decode(
            Split.self,
            from: Data(
                contentsOf: TestData.repository.appendingPathComponent(
                    "Sources/Datasets/Resources/uci-heart-disease/flamby-split.json")))
        let reference = try JSONDecoder().decode(
            Reference.self,
            from: Data(
                contentsOf: TestData.repository.appendingPathComponent(
                    "Tests/DatasetsTests/Fixtures/heart-reference.json")))
        for ((name, dataset), (center, expected)) in zip(try sites(), zip(split.centers, reference.centers)) {
            #expect(center.name == name && expected.name == name)
            let train = dataset.subset(center.train.sorted())
            let test = dataset.subset(center.test.sorted())
            let statistics = FeatureStatistics(of: train)
            for (part, summary) in [
                (train.standardized(by: statistics), expected.siteStandardized.train),
                (test.standardized(by: statistics), expected.siteStandardized.test)
            ] {
                #expect(part.count == summary.count)
                #expect(Int(part.labels.reduce(0, +)) == summary.positives)
                let width = part.featureCount
                for (row, values) in summary.head.enumerated() {
                    #expect(zip(part.features[(row * width)..<((row + 1) * width)], values).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name) row \(row)")
                }
                let last = Array(part.features[((part.count - 1) * width)...])
                #expect(zip(last, summary.last).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name) last row")
                let means = (0..<width).map { j in (0..<part.count).reduce(0.0) { $0 + Double(part.features[$1 * width + j]) } / Double(part.count) }
                #expect(zip(means, summary.columnMeans).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(name) means")
            }
        }
    }

    @Test func qualityReportFlagsTheHiddenZerosFLambyKeeps() throws {
        let cohort = try Harmonizer(study: try TestData.heart()).run(
            .mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let report = cohort.report
        #expect(report.rowsRead == 920 && report.patients.read == 920 && report.patients.kept == 740)
        // chol = 0 in all 123 Swiss rows and 49 VA rows (README); trestbps = 0 in one VA row.
        #expect(report.features.first { $0.name == "chol" }?.outOfRange == 172)
        #expect(report.features.first { $0.name == "trestbps" }?.outOfRange == 1)
        #expect(Set(report.unusedColumns.map(\.column)) == ["slope", "ca", "thal"])
        #expect(report.errorCount == 0)
        #expect(report.label.positive == 383)
    }
}
