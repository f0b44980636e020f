import ClinicalData
import Datasets
import Federation
import Foundation
import Learning
import Studies

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
    /// Images no site holds (MedMNIST's official validation split): FLTrust's root data.
    var coordinatorHeldData: Dataset?
    /// What the features are (a study schema's SHA-256, or the benchmark's name and version):
    /// part of the training plan a steward approves.
    var schemaHash: String = ""

    static let pooledTestName = "pooled_test"
    static let backdoorTestName = "backdoor_success"

    /// FLTrust's root data set: a small clean sample the coordinator holds. For MedMNIST it
    /// is 100 images of the official validation split, which no site has; heart disease has
    /// no such split, so 8 training rows per hospital are set aside as the stand-in for a
    /// public reference sample and removed from that hospital's training data.
    func settingAsideRootData(seed: UInt64) -> (StudyData, Dataset) {
        var generator = SeededGenerator(seed: seed, stream: 0x200F)
        if let held = coordinatorHeldData {
            return (self, held.subset(generator.permutation(held.count).prefix(min(100, held.count))))
        }
        var copy = self
        var root: [Dataset] = []
        for index in copy.sites.indices {
            let train = copy.sites[index].train
            let order = generator.permutation(train.count)
            let taken = min(8, train.count / 4)
            root.append(train.subset(order.prefix(taken)))
            copy.sites[index].train = train.subset(order.dropFirst(taken).sorted())
        }
        return (copy, Dataset.concatenating(root))
    }

    /// Prepared site datasets (`cohort data prepare`) of one study, standardized with the
    /// federation's statistics stored in them and split 66/34 per site from `seed`.
    static func loadPrepared(_ paths: [String], study name: String?, seed: UInt64) throws -> StudyData {
        do {
            let schema = try name.map { try StudySchema.resolve($0) }
            let sites = try PreparedSites.load(paths, study: schema, seed: seed, standardization: .federated)
            var data = StudyData(
                sites: sites, pooledSites: sites,
                centralTests: [pooledTestName: Dataset.concatenating(sites.map(\.test))],
                description: "\(name ?? "prepared study"), \(sites.count) prepared sites")
            data.schemaHash = schema?.sha256 ?? "prepared"
            return data
        } catch let error as CohortError {
            throw error
        } catch {
            throw CohortError(String(describing: error))
        }
    }

    /// Loads `choice` from `path` (or the bundled copy) and partitions it into sites.
    static func load(_ choice: BenchmarkDataset, path: String?, splitSeed: UInt64?, siteCount: Int, alpha: Double, seed: UInt64) throws -> StudyData {
        switch choice {
        case .heartDisease:
            let directory = path.map { URL(fileURLWithPath: $0) }
            let data = try HeartDisease.load(from: directory, split: splitSeed.map { .seeded($0) } ?? .flamby)
            var study = StudyData(
                sites: data.sites, pooledSites: data.pooledStandardized,
                centralTests: [pooledTestName: data.pooledTest],
                description: "UCI heart disease, 4 hospitals, " + (splitSeed.map { "split seed \($0)" } ?? "FLamby split"))
            study.schemaHash = BenchmarkDataset.heartDisease.schemaHash
            return study
        case .breastMNIST, .pneumoniaMNIST:
            let images: MedMNISTData
            if let path = path ?? choice.defaultPath {
                images = try MedMNIST.load(from: URL(fileURLWithPath: path))
            } else {
                images = try MedMNIST.bundledBreastMNIST()
            }
            let partition = try DirichletPartition(siteCount: siteCount, alpha: alpha, seed: seed)
            let sites = try partition.sites(train: images.train, test: images.test)
            var study = StudyData(
                sites: sites, pooledSites: sites, centralTests: [pooledTestName: images.test],
                description: "\(choice.rawValue), \(siteCount) sites, Dirichlet(\(alpha)) label split",
                coordinatorHeldData: images.validation)
            study.schemaHash = choice.schemaHash
            return study
        }
    }
}
