import Federation
import Foundation
import Learning
import Studies

/// A study's final model as a file (`cohort-model/1`): the parameters, what they are (the
/// study definition, the model and the example shape), where a simulation's data came from,
/// and what the study spent in privacy. The clinical validation report is made from this file
/// and the sites' data alone; anyone scoring new patients needs nothing else but Cohort.
///
/// `cohort simulate --output run.json` writes it beside run.json as `run.model.json`; the
/// coordinator writes it beside its database (`coordinator.sqlite` -> `coordinator.model.json`).
/// The parameters are little-endian float32 in base64: exact, and a quarter of decimal text.
struct SavedModel: Codable {
    static let format = "cohort-model/1"

    /// Where a simulation read its data, so the report can read the same rows again.
    struct DataProvenance: Codable {
        var dataset: String
        /// The data folder or file read; nil for the copy bundled with Cohort.
        var path: String?
        var splitSeed: UInt64?
        /// With a study schema: the prepared site datasets, in site order.
        var preparedSites: [String]?
        var siteCount: Int
        var alpha: Double

        enum CodingKeys: String, CodingKey {
            case dataset, path, alpha
            case splitSeed = "split_seed"
            case preparedSites = "prepared_sites"
            case siteCount = "site_count"
        }
    }

    /// Differential privacy the study spent, as the model card shows it.
    struct PrivacyRecord: Codable {
        var mechanism: String
        var delta: Double?
        var siteEpsilon: [String: Double]
        var centralEpsilon: Double?
        var noise: String?

        enum CodingKeys: String, CodingKey {
            case mechanism, delta, noise
            case siteEpsilon = "site_epsilon"
            case centralEpsilon = "central_epsilon"
        }
    }

    var format = SavedModel.format
    var cohortVersion = CohortVersion.current
    /// "simulation" or "deployment".
    var runtime: String
    /// The study as defined (flags or YAML), which both runtimes resolve the same way.
    var study: StudySpecification
    var data: DataProvenance?
    var sites: [String]
    var model: String
    var exampleShape: [Int]
    var parameterCount: Int
    var modelChecksum: String
    var parameters: String
    var trainingPlanHash: String?
    var privacy: PrivacyRecord

    enum CodingKeys: String, CodingKey {
        case format, runtime, study, data, sites, model, parameters, privacy
        case cohortVersion = "cohort_version"
        case exampleShape = "example_shape"
        case parameterCount = "parameter_count"
        case modelChecksum = "model_checksum"
        case trainingPlanHash = "training_plan_hash"
    }

    init(
        study: ResolvedStudy, runtime: ResolvedStudy.Runtime, data: DataProvenance?, sites: [String], parameters: [Float],
        privacy: PrivacyRecord
    ) {
        self.runtime = runtime == .simulation ? "simulation" : "deployment"
        self.study = study.specification
        self.data = data
        self.sites = sites
        model = study.model.description
        exampleShape = study.exampleShape.dimensions
        parameterCount = parameters.count
        modelChecksum = ModelChecksum.of(parameters)
        var bytes = Data(capacity: parameters.count * 4)
        for value in parameters { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        self.parameters = bytes.base64EncodedString()
        trainingPlanHash = study.isBaseline ? nil : try? study.trainingPlan().planHash
        self.privacy = privacy
    }

    /// The parameters, checked against the recorded count and checksum.
    func decodedParameters() throws -> [Float] {
        guard let bytes = Data(base64Encoded: parameters), bytes.count == parameterCount * 4 else {
            throw CohortError("the model file's parameters are not \(parameterCount) float32 values in base64")
        }
        let values = stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(
                bitPattern: UInt32(
                    littleEndian: bytes[bytes.startIndex + offset..<bytes.startIndex + offset + 4]
                        .withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        }
        guard ModelChecksum.of(values) == modelChecksum else {
            throw CohortError("the model file's parameters do not match its checksum \(modelChecksum): the file is damaged")
        }
        return values
    }

    /// `run.json` -> `run.model.json`; `coordinator.sqlite` -> `coordinator.model.json`.
    static func path(beside file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingPathExtension().appendingPathExtension("model.json").path
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    func write(to path: String) throws {
        do { try encoded().write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CohortError("cannot write the model to \(path): \(error.localizedDescription)")
        }
    }

    static func read(_ path: String) throws -> SavedModel {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CohortError(
                "cannot read the model file \(path): \(error.localizedDescription) (cohort simulate --output run.json writes run.model.json beside it)")
        }
        let model: SavedModel
        do { model = try JSONDecoder().decode(SavedModel.self, from: data) } catch {
            throw CohortError("\(path) is not a Cohort model file: \(error)")
        }
        guard model.format == format else { throw CohortError("\(path) is a '\(model.format)' file; this Cohort reads \(format)") }
        return model
    }
}

extension SavedModel.PrivacyRecord {
    /// What the study's definition says about privacy, with each site's spend where known.
    init(study: ResolvedStudy, siteEpsilon: [String: Double], centralEpsilon: Double?) {
        var mechanisms: [String] = []
        if study.localPrivacy != nil { mechanisms.append("DP-SGD at every site") }
        if let z = study.centralNoise, z > 0 { mechanisms.append("DP-FedAvg at the coordinator (noise multiplier \(z))") }
        let noisy = !mechanisms.isEmpty
        self.init(
            mechanism: noisy ? mechanisms.joined(separator: " and ") : "none (no differential privacy)",
            delta: noisy ? study.delta : nil, siteEpsilon: siteEpsilon, centralEpsilon: centralEpsilon,
            noise: noisy ? (study.reproducibleNoise ? "seeded (reproducible, not private)" : "secure") : nil)
    }

    /// The spend the sites reported round by round: each site's largest cumulative epsilon.
    init(study: ResolvedStudy, rounds: [RoundRecord], centralEpsilon: Double?) {
        var spent: [String: Double] = [:]
        for round in rounds {
            for item in round.privacy {
                if let epsilon = item.cumulativeEpsilon { spent[item.site.name] = max(spent[item.site.name] ?? 0, epsilon) }
            }
        }
        self.init(study: study, siteEpsilon: spent, centralEpsilon: centralEpsilon)
    }
}
