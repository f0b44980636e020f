import Federation
import Foundation
import Learning

/// UCI Heart Disease from four hospitals, prepared as FLamby's Fed-Heart-Disease benchmark.
///
/// Data: Janosi, Steinbrunn, Pfisterer & Detrano (1988), UCI Machine Learning Repository
/// dataset 45, https://doi.org/10.24432/C52P4X, CC BY 4.0 (copies ship in
/// `Resources/uci-heart-disease/`). Protocol: Ogier du Terrail et al., "FLamby" (NeurIPS 2022
/// Datasets and Benchmarks), `flamby/datasets/fed_heart_disease/dataset.py`: drop slope, ca
/// and thal, drop rows with a missing value, label = num > 0, one-hot cp and restecg over the
/// pooled data (13 features), split each site 66/34, standardize each site by its own train
/// split. Matching it exactly is what makes Cohort's numbers comparable with FLamby's
/// published FedAvg/FedProx/... results.
public enum HeartDisease {
    /// Site names in FLamby's center order (0 Cleveland, 1 Hungarian, 2 Switzerland, 3 VA).
    public static let siteNames = ["cleveland", "hungarian", "switzerland", "va"]
    /// Features after FLamby's encoding (one-hot chest pain and resting ECG).
    public static let featureCount = 13

    /// FLamby's train fraction; the test fraction is `1 - 0.66`, as FLamby writes it.
    public static let trainFraction = 0.66

    /// The UCI file holding `site`'s records.
    public static func fileName(forSite site: String) -> String { "processed.\(site).data" }

    /// Loads and prepares the four sites.
    ///
    /// - Parameters:
    ///   - directory: a folder with the four `processed.*.data` files from UCI's
    ///     heart+disease.zip; nil uses the copies bundled with Cohort.
    ///   - split: FLamby's shipped split (default) or a seeded one.
    public static func load(from directory: URL? = nil, split: HeartDiseaseSplit = .flamby) throws -> HeartDiseaseData {
        let folder: URL
        if let directory {
            try InputFile.requireDirectory(
                directory,
                remedy: "pass the folder that holds processed.{cleveland,hungarian,switzerland,va}.data "
                    + "(from UCI's heart+disease.zip), or omit it to use the bundled copy")
            folder = directory
        } else {
            folder = try BundledResources.url(for: "uci-heart-disease")
        }

        let files = try siteNames.map { site in
            try HeartDiseaseFile(
                contentsOf: folder.appendingPathComponent(fileName(forSite: site)),
                remedy: "put \(fileName(forSite: site)) from UCI's heart+disease.zip "
                    + "(https://archive.ics.uci.edu/dataset/45/heart+disease) in \(folder.path)")
        }
        for file in files { try requireFinite(file) }
        let encoding = HeartFeatureEncoding(pooling: files)
        let width = encoding.encodedWidth

        var splits = [TrainTestSplit]()
        switch split {
        case .flamby:
            let record = try FlambySplitFile.bundled()
            splits = try zip(siteNames, files).map { try record.split(forSite: $0, of: $1) }
        case .seeded(let seed):
            for (index, file) in files.enumerated() {
                var generator = SeededGenerator(seed: seed, stream: UInt64(index))
                splits.append(.shuffled(labels: file.labels, trainFraction: trainFraction, using: &generator))
            }
        }

        var raw = [SiteData]()
        for (site, (file, rows)) in zip(siteNames, zip(files, splits)) {
            let encoded = Dataset(
                features: encoding.encode(file), labels: file.labels,
                exampleShape: Shape([width]), task: .binary)
            raw.append(
                SiteData(
                    name: site, train: encoded.subset(rows.train), test: encoded.subset(rows.test),
                    testAttributes: file.patientAttributes.subset(rows.test)))
        }

        let siteStatistics = raw.map { FeatureStatistics(of: $0.train) }
        let pooledStatistics = FeatureStatistics(of: Dataset.concatenating(raw.map(\.train)))
        return HeartDiseaseData(
            sites: zip(raw, siteStatistics).map { site, statistics in
                SiteData(
                    name: site.name, train: site.train.standardized(by: statistics),
                    test: site.test.standardized(by: statistics), testAttributes: site.testAttributes)
            },
            pooledStandardized: raw.map { site in
                SiteData(
                    name: site.name, train: site.train.standardized(by: pooledStatistics),
                    test: site.test.standardized(by: pooledStatistics), testAttributes: site.testAttributes)
            },
            siteStatistics: siteStatistics,
            pooledStatistics: pooledStatistics,
            featureNames: encoding.featureNames)
    }

    /// Refuses NaN and infinity (e.g. "nan", or 1e40, which overflows Float) before they can
    /// poison a site's standardization statistics or become a one-hot category.
    private static func requireFinite(_ file: HeartDiseaseFile) throws {
        let raw = Dataset(
            features: file.features.map(Float.init), labels: file.labels,
            exampleShape: Shape([HeartDiseaseFile.featureColumns.count]), task: .binary)
        guard let (row, column) = raw.firstNonFiniteFeature else { return }
        throw DatasetError.nonFiniteFeature(
            path: file.path, row: file.lineNumbers[row],
            column: HeartDiseaseFile.columnNames[HeartDiseaseFile.featureColumns[column]])
    }
}
