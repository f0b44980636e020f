import Federation
import Learning
import Studies

/// The `--output run.json` contract, documented in docs/run-json.md. Keys are snake_case;
/// fields are only ever added, never renamed, so scripts that read it keep working.
struct RunReport: Codable {
    var cohortVersion = CohortVersion.current
    var command: [String]
    var config: RunConfig
    var rounds: [RoundSummary]
    var final: FinalSummary
    var localModels: [LocalModelSummary]?
    var privacy: PrivacySummary?
    var timings: Timings

    /// Differential privacy spent by the study.
    struct PrivacySummary: Codable {
        var delta: Double
        /// DP-SGD: each site's epsilon after the study, from its own ledger.
        var sites: [Site]
        /// DP-FedAvg: the coordinator's noise multiplier and the user-level epsilon.
        var centralNoiseMultiplier: Double?
        var centralEpsilon: Double?

        struct Site: Codable {
            var name: String
            var epsilon: Double
            var maxEpsilon: Double
            var roundsCharged: Int
            var ledger: String?
        }
    }

    struct RunConfig: Codable {
        var dataset: String
        var data: String
        var model: String
        var strategy: String
        var rounds: Int
        var localSteps: Int
        var batchSize: Int
        var optimizer: String
        var learningRate: Float
        var momentum: Float
        var proximalMu: Float?
        var seed: UInt64
        var splitSeed: UInt64?
        var sites: [String]
        var fraction: Double
        var minimumSites: Int
        var evaluateEvery: Int
        var epochs: Int?
        /// How updates are combined: mean, median, trimmed-mean, krum, multi-krum, bulyan, fltrust.
        var aggregationRule: String
        var byzantineF: Int?
        var normBound: String?
        var attack: String?
        var maliciousSites: [String]?
        var monitor: Bool
        /// True when the coordinator only learned the sum of the updates (SecAgg+).
        var secureAggregation: Bool?
        /// Where DP noise came from: "secure" (private) or "seeded" (reproducible from the
        /// seed, NOT private); absent when the study adds no noise.
        var noise: String?
        /// The training plan's SHA-256: what each site's data steward approved.
        var planHash: String?
    }

    /// The report's skeleton for `study`: its configuration, rounds and final result.
    init(study: ResolvedStudy, rounds: [RoundSummary], final: FinalSummary) {
        let noisy = study.localPrivacy != nil || (study.centralNoise ?? 0) > 0
        command = []
        config = RunConfig(
            dataset: study.specification.study ?? study.specification.dataset?.rawValue ?? "heart-disease", data: "sites",
            model: study.model.description, strategy: study.strategyName,
            rounds: study.isBaseline ? 0 : study.rounds, localSteps: study.isBaseline ? 0 : study.localSteps, batchSize: study.batchSize,
            optimizer: study.optimizerName, learningRate: study.optimizer.learningRate, momentum: study.momentum,
            proximalMu: study.proximalMu, seed: study.seed, splitSeed: nil, sites: study.siteNames, fraction: study.configuration.selection.fraction,
            minimumSites: study.configuration.selection.minimumSites, evaluateEvery: study.configuration.evaluateEvery, epochs: nil,
            aggregationRule: study.ruleName, byzantineF: study.byzantineF, normBound: study.rule.normBound.map(StudyPlan.describe),
            attack: nil, maliciousSites: nil, monitor: study.monitor != nil, secureAggregation: study.secureAggregation ? true : nil,
            noise: noisy ? (study.reproducibleNoise ? "seeded" : "secure") : nil,
            planHash: study.isBaseline ? nil : try? study.trainingPlan().planHash)
        self.rounds = rounds
        self.final = final
        timings = Timings(totalSeconds: 0, loadSeconds: 0, trainingSeconds: 0)
    }

    struct SiteSummary: Codable {
        var name: String
        var accuracy: Double
        var auroc: Double?
        var logLoss: Double
        var testSize: Int
        var confusion: ConfusionCounts

        init(name: String, metrics: EvaluationMetrics) {
            self.name = name
            accuracy = metrics.accuracy
            auroc = metrics.auroc
            logLoss = metrics.logLoss
            testSize = metrics.count
            confusion = metrics.confusion
        }

        enum CodingKeys: String, CodingKey { case name, accuracy, auroc, logLoss, testSize, confusion }

        /// `auroc` is always present: null where the test set holds one class.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(auroc, forKey: .auroc)
            try container.encode(logLoss, forKey: .logLoss)
            try container.encode(testSize, forKey: .testSize)
            try container.encode(confusion, forKey: .confusion)
        }
    }

    struct EvaluationSummary: Codable {
        var averageClientAccuracy: Double
        var weightedClientAccuracy: Double
        var pooledTestAccuracy: Double?
        var sites: [SiteSummary]

        init(_ evaluation: RoundEvaluation) {
            averageClientAccuracy = evaluation.averageAccuracy
            weightedClientAccuracy = evaluation.weightedAccuracy
            pooledTestAccuracy = evaluation.central[StudyData.pooledTestName]?.accuracy
            sites = evaluation.sites.map { SiteSummary(name: $0.site.name, metrics: $0.metrics) }
        }

        init(sites: [SiteSummary], pooledTestAccuracy: Double?) {
            self.sites = sites
            self.pooledTestAccuracy = pooledTestAccuracy
            averageClientAccuracy = sites.isEmpty ? 0 : sites.map(\.accuracy).reduce(0, +) / Double(sites.count)
            let total = sites.map(\.testSize).reduce(0, +)
            weightedClientAccuracy = total == 0 ? 0 : sites.map { $0.accuracy * Double($0.testSize) }.reduce(0, +) / Double(total)
        }
    }

    struct RoundSummary: Codable {
        var round: Int
        var participants: [String]
        var contributors: [String]
        var stragglers: [String]
        var failures: [SiteFailure]
        var rejections: [SiteFailure]
        /// The coordinator's own trouble with the round (too few sites, a failed aggregation).
        var problems: [String]?
        var accepted: Bool
        var trainLoss: Double?
        var seconds: Double
        var evaluation: EvaluationSummary?
        var anomalies: [Anomaly]?
        var quarantined: [String]?
        /// DP-SGD: each contributor's cumulative epsilon after this round.
        var epsilon: [String: Double]?

        struct Anomaly: Codable {
            var site: String
            var score: Double
            var norm: Double
            var cosineToPreviousAggregate: Double?
        }

        init(_ record: RoundRecord) {
            round = record.round
            participants = record.participants.map(\.name)
            contributors = record.contributors.map(\.name)
            stragglers = record.stragglers.map(\.name)
            failures = record.failures
            rejections = record.rejections
            problems = record.problems.isEmpty ? nil : record.problems.map(\.description)
            accepted = record.accepted
            trainLoss = record.meanTrainingLoss
            seconds = record.seconds
            evaluation = record.evaluation.map(EvaluationSummary.init)
            anomalies =
                record.anomalies.isEmpty
                ? nil
                : record.anomalies.map {
                    Anomaly(
                        site: $0.site.name, score: $0.evidence.score, norm: $0.evidence.norm,
                        cosineToPreviousAggregate: $0.evidence.cosineToPreviousAggregate)
                }
            quarantined = record.quarantined.isEmpty ? nil : record.quarantined.map(\.name)
            let spent = record.privacy.compactMap { item in item.cumulativeEpsilon.map { (item.site.name, $0) } }
            epsilon = spent.isEmpty ? nil : Dictionary(spent, uniquingKeysWith: max)
        }
    }

    struct FinalSummary: Codable {
        var averageClientAccuracy: Double
        var weightedClientAccuracy: Double
        var pooledTestAccuracy: Double?
        var sites: [SiteSummary]
        var parameterCount: Int
        /// FNV-1a 64 of the final parameters' bits: equal checksums, identical models.
        var modelChecksum: String
        /// Under a backdoor attack: the share of triggered non-target test rows classified as the target.
        var backdoorSuccessRate: Double?

        init(_ evaluation: EvaluationSummary, parameters: [Float]) {
            averageClientAccuracy = evaluation.averageClientAccuracy
            weightedClientAccuracy = evaluation.weightedClientAccuracy
            pooledTestAccuracy = evaluation.pooledTestAccuracy
            sites = evaluation.sites
            parameterCount = parameters.count
            modelChecksum = ModelChecksum.of(parameters)
        }
    }

    /// A `local` baseline model: trained at one site, scored at every site.
    struct LocalModelSummary: Codable {
        var trainedAt: String
        var averageClientAccuracy: Double
        var sites: [SiteSummary]
    }

    struct Timings: Codable {
        var totalSeconds: Double
        var loadSeconds: Double
        var trainingSeconds: Double
    }
}

/// A 64-bit FNV-1a digest of a parameter vector's bit patterns, printed as hex.
enum ModelChecksum {
    static func of(_ parameters: [Float]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in parameters {
            var bits = value.bitPattern
            for _ in 0..<4 {
                hash ^= UInt64(bits & 0xFF)
                hash &*= 0x0000_0100_0000_01B3
                bits >>= 8
            }
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
