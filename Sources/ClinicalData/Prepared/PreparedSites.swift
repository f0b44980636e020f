import Federation
import Foundation
import Learning

/// Loads prepared site datasets as the sites of a federated study.
public enum PreparedSites {
    /// One `SiteData` per path (a prepared `dataset.csv`, or the folder holding it), split
    /// into train and test with `StratifiedSplit` from `seed`, and standardized as asked.
    ///
    /// All files must carry the same study hash (and `study`'s, when given): sites prepared
    /// with different study files describe different features and are refused.
    public static func load(
        _ paths: [String], study: StudySchema? = nil, trainFraction: Double = 0.66, seed: UInt64,
        standardization: Standardization = .federated
    ) throws -> [SiteData] {
        guard !paths.isEmpty else { throw ClinicalDataError.invalidOption("no prepared site datasets given") }
        var datasets = [PreparedDataset]()
        for path in paths {
            let expected = study?.sha256 ?? datasets.first?.studyHash
            datasets.append(try PreparedDataset.load(from: URL(fileURLWithPath: path), expectedHash: expected))
        }
        var names = Set<String>()
        for (path, dataset) in zip(paths, datasets) {
            guard names.insert(dataset.site).inserted else {
                throw ClinicalDataError.invalidOption("\(path): site '\(dataset.site)' is given twice; each site's data may be used once")
            }
            guard dataset.columns == datasets[0].columns else {
                throw ClinicalDataError.invalidPreparedFile(path: path, line: nil, problem: "its columns differ from \(paths[0])'s")
            }
        }
        return try zip(paths, datasets).map { path, dataset in
            try dataset.siteData(trainFraction: trainFraction, seed: seed, standardization: standardization, path: path)
        }
    }
}

extension PreparedDataset {
    /// The site's rows split into train and test and standardized.
    public func siteData(
        trainFraction: Double = 0.66, seed: UInt64, standardization: Standardization = .federated,
        path: String? = nil
    ) throws -> SiteData {
        let split = StratifiedSplit(
            labels: data.labels, trainFraction: trainFraction, seed: seed,
            stream: StratifiedSplit.stream(forSite: site))
        guard !split.train.isEmpty, !split.test.isEmpty else {
            throw ClinicalDataError.invalidPreparedFile(
                path: path ?? site, line: nil,
                problem: "\(data.count) rows are too few for a train and a test split")
        }
        let train = data.subset(split.train)
        let test = data.subset(split.test)
        switch standardization {
        case .none:
            return SiteData(name: site, train: train, test: test)
        case .siteTrain:
            let statistics = FeatureStatistics(of: train)
            return SiteData(name: site, train: train.standardized(by: statistics), test: test.standardized(by: statistics))
        case .federated:
            guard let statistics else {
                throw ClinicalDataError.invalidPreparedFile(
                    path: path ?? site, line: nil,
                    problem: "it holds no federated statistics; prepare it with federated statistics or standardize by site")
            }
            return SiteData(name: site, train: train.standardized(by: statistics), test: test.standardized(by: statistics))
        }
    }
}
