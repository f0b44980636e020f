import Foundation
import Learning
import Testing

@testable import ClinicalData

struct PreparedDatasetTests {
    private func prepared() throws -> PreparedDataset {
        let study = try TestData.heart()
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        return PreparedDataset(cohort: cohort, site: "all-four", statistics: try FederatedStatistics(local: cohort, site: "all-four"))
    }

    @Test func writesAndReadsBackBitForBit() throws {
        let dataset = try prepared()
        try TestData.withScratchDirectory { folder in
            let url = folder.appendingPathComponent("dataset.csv")
            try dataset.write(to: url)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.hasPrefix("# cohort-prepared/1\n# study: uci-heart-disease\n# study_sha256: \(try TestData.heart().sha256)\n"))
            let loaded = try PreparedDataset.load(from: folder, expectedHash: try TestData.heart().sha256)
            #expect(loaded == dataset)
            #expect(loaded.data.features.map(\.bitPattern) == dataset.data.features.map(\.bitPattern))
            #expect(loaded.statistics == dataset.statistics)
            #expect(loaded.statisticsSource == "local (this site only)")
        }
    }

    @Test func aDifferentStudyFileIsRefused() throws {
        let dataset = try prepared()
        try TestData.withScratchDirectory { folder in
            let url = folder.appendingPathComponent("dataset.csv")
            try dataset.write(to: url)
            #expect(throws: ClinicalDataError.self) { try PreparedDataset.load(from: url, expectedHash: try TestData.cardiovascular().sha256) }
            #expect(throws: ClinicalDataError.self) { try PreparedSites.load([url.path], study: try TestData.cardiovascular(), seed: 1) }
        }
    }

    @Test func damagedFilesAreRefusedWithTheirLine() throws {
        let text = try prepared().text()
        let cases = [
            ("not a dataset\n", "does not start"),
            (text.replacingOccurrences(of: "# rows: 740", with: "# rows: 741"), "truncated"),
            (text.replacingOccurrences(of: "\n63,1,145,233,1,150,0,2.3,0,0,0,0,1,0\n", with: "\n63,1,145,233,1,150,0,2.3,0,0,0,0,1\n"), "line 11"),
            (text.replacingOccurrences(of: "\n63,1,145,233,1,150,0,2.3,0,0,0,0,1,0\n", with: "\n63,1,145,233,1,150,0,2.3,0,0,0,0,1,2\n"), "not 0 or 1")
        ]
        for (damaged, message) in cases {
            do {
                _ = try PreparedDataset.parse(damaged, path: "x.csv")
                Issue.record("accepted: \(message)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test func sitesSplitDeterministicallyAndStandardizeAsAsked() throws {
        let dataset = try prepared()
        let a = try dataset.siteData(seed: 7, standardization: .none)
        let b = try dataset.siteData(seed: 7, standardization: .none)
        let c = try dataset.siteData(seed: 8, standardization: .none)
        #expect(a == b)
        #expect(a.train != c.train)
        #expect(a.train.count + a.test.count == 740)
        #expect(abs(Double(a.train.count) / 740 - 0.66) < 0.01)
        // Stratified: both splits keep the site's prevalence to within a row per class.
        let prevalence = Double(dataset.data.labels.reduce(0, +)) / 740
        #expect(abs(Double(a.test.labels.reduce(0, +)) / Double(a.test.count) - prevalence) < 0.01)
        let federated = try dataset.siteData(seed: 7, standardization: .federated)
        #expect(federated.train == a.train.standardized(by: dataset.statistics!))
        let local = try dataset.siteData(seed: 7, standardization: .siteTrain)
        #expect(local.train == a.train.standardized(by: FeatureStatistics(of: a.train)))
    }

    @Test func preparedSitesLoadFromFolders() throws {
        let study = try TestData.heart()
        let cohort = try Harmonizer(study: study).run(.mappedCSV(TestData.heartFiles, mapping: try CSVMapping.bundled("uci-heart-disease-processed")))
        let parts = try SiteSplitter(grouping: .file, siteCount: nil).split(cohort)
        let statistics = try FederatedStatistics(study: study, summaries: parts.map { SiteSummary(cohort: $0.cohort, site: $0.name) })
        try TestData.withScratchDirectory { folder in
            var paths = [String]()
            for part in parts {
                let site = folder.appendingPathComponent(part.name)
                try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
                try PreparedDataset(cohort: part.cohort, site: part.name, statistics: statistics).write(to: site.appendingPathComponent("dataset.csv"))
                paths.append(site.path)
            }
            let sites = try PreparedSites.load(paths, study: study, seed: 42)
            #expect(sites.map(\.name) == ["cleveland", "hungarian", "switzerland", "va"])
            #expect(sites.map { $0.train.count + $0.test.count } == [303, 261, 46, 130])
            #expect(sites.allSatisfy { $0.train.featureCount == 13 })
            #expect(throws: ClinicalDataError.self) { try PreparedSites.load([paths[0], paths[0]], study: study, seed: 42) }
        }
    }
}
