import Datasets
import Federation
import Foundation
import Learning

/// A data set cut into sites, ready for a simulation.
struct StudyData {
    /// Each site's data as that site would prepare it (its own standardization).
    var sites: [SiteData]
    /// The same rows standardized with pooled statistics: the input of the centralized
    /// baseline and of FLamby's "pooled test".
    var pooledSites: [SiteData]
    /// Test sets the coordinator scores centrally each evaluation round.
    var centralTests: [String: Dataset]
    var description: String

    static let pooledTestName = "pooled_test"

    /// Loads `choice` from `path` (or the bundled copy) and partitions it into sites.
    static func load(_ choice: DatasetChoice, path: String?, splitSeed: UInt64?, siteCount: Int, alpha: Double, seed: UInt64) throws -> StudyData {
        switch choice {
        case .heartDisease:
            let directory = path.map { URL(fileURLWithPath: $0) }
            let data = try HeartDisease.load(from: directory, split: splitSeed.map { .seeded($0) } ?? .flamby)
            return StudyData(sites: data.sites, pooledSites: data.pooledStandardized,
                             centralTests: [pooledTestName: data.pooledTest],
                             description: "UCI heart disease, 4 hospitals, " + (splitSeed.map { "split seed \($0)" } ?? "FLamby split"))
        case .breastMNIST, .pneumoniaMNIST:
            let images: MedMNISTData
            if let path = path ?? choice.defaultPath {
                images = try MedMNIST.load(from: URL(fileURLWithPath: path))
            } else {
                images = try MedMNIST.bundledBreastMNIST()
            }
            let partition = DirichletPartition(siteCount: siteCount, alpha: alpha, seed: seed)
            let sites = try partition.sites(train: images.train, test: images.test)
            return StudyData(sites: sites, pooledSites: sites, centralTests: [pooledTestName: images.test],
                             description: "\(choice.rawValue), \(siteCount) sites, Dirichlet(\(alpha)) label split")
        }
    }
}
