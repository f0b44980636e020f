import ClinicalData
import Datasets
import Federation
import Foundation
import Learning
import Transport

/// A site's data as `--data` names it: this hospital's share of the bundled UCI heart-disease
/// benchmark (`heart-disease`, or `heart-disease:DIR` for a folder of the UCI files), or a
/// dataset prepared with `cohort data prepare` (a `dataset.csv` or its folder). The site's
/// name (from its certificate) picks the hospital, and must be the site a prepared file was
/// made for.
struct SiteDataSource {
    var summary: DataSummary
    /// The site's train/test data for a study (prepared data is split with the study's seed).
    var make: @Sendable (StudyDescription) throws -> SiteData
    var description: String

    static func resolve(_ text: String, site: String) throws -> SiteDataSource {
        if text == "heart-disease" || text.hasPrefix("heart-disease:") {
            let directory = text == "heart-disease" ? nil : String(text.dropFirst("heart-disease:".count))
            let data = try HeartDiseaseSiteData.load(hospital: site, directory: directory)
            return SiteDataSource(
                summary: DataSummary(
                    exampleShape: data.train.exampleShape, task: data.train.task, trainingRows: data.train.count,
                    testRows: data.test.count, schemaSHA256: nil),
                make: { _ in data },
                description: "UCI heart disease, hospital \(site) (FLamby split), \(data.train.count) train / \(data.test.count) test rows")
        }
        let url = URL(fileURLWithPath: text)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CohortError("site data \(text) does not exist; pass heart-disease[:DIR] or a dataset prepared with cohort data prepare")
        }
        let dataset: PreparedDataset
        do {
            dataset = try PreparedDataset.load(from: url)
        } catch {
            throw CohortError("site data \(text): \(error)")
        }
        guard dataset.site == site else {
            throw CohortError("site data \(text) was prepared for site '\(dataset.site)', but this site's certificate names '\(site)'")
        }
        guard dataset.statistics != nil else {
            throw CohortError("site data \(text) holds no federated statistics; prepare it with the federation's statistics (see cohort data prepare --help)")
        }
        let rows = dataset.data.count
        return SiteDataSource(
            summary: DataSummary(
                exampleShape: dataset.data.exampleShape, task: dataset.data.task, trainingRows: rows, testRows: 0,
                schemaSHA256: dataset.studyHash),
            make: { study in try dataset.siteData(seed: study.seed, standardization: .federated, path: text) },
            description: "prepared dataset of study \(dataset.study) for \(dataset.site), \(rows) rows")
    }
}

/// This hospital's share of FLamby's Fed-Heart-Disease preparation: identical to the site
/// `cohort simulate` builds (the encoding pools the four public files, as FLamby does).
enum HeartDiseaseSiteData {
    static let featureCount = 13

    static func load(hospital: String, directory: String?) throws -> SiteData {
        guard HeartDisease.siteNames.contains(hospital) else {
            throw CohortError(
                "the heart-disease benchmark has hospitals \(HeartDisease.siteNames.joined(separator: ", ")); this site's certificate names '\(hospital)'")
        }
        let data: HeartDiseaseData
        do {
            data = try HeartDisease.load(from: directory.map { URL(fileURLWithPath: $0) })
        } catch {
            throw CohortError("\(error)")
        }
        guard let site = data.sites.first(where: { $0.name == hospital }) else {
            throw CohortError("hospital \(hospital) is missing from the heart-disease data")
        }
        return site
    }
}
