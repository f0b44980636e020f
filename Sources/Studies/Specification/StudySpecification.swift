/// A federated study as its owner writes it: the `study:` block of `coordinator.yaml`, a study
/// YAML handed to `cohort simulate --config`, or `cohort simulate`'s flags. All three decode
/// into this one value, and `resolved(siteNames:)` is the only place it becomes a runnable,
/// checked study (`ResolvedStudy`), so the simulator and the deployed coordinator cannot
/// drift apart: a capability wired here works in both.
///
/// Keys are snake_case in YAML and JSON (`local_steps`), and a key left out takes the data
/// set's reference default (FLamby's protocol for heart disease).
///
/// ```swift
/// let spec = try StudySpecification(yaml: "dataset: heart-disease\nstrategy: fedprox\nmu: 0.01\n", file: "study.yaml")
/// let study = try spec.resolved()
/// let plan = try study.trainingPlan()      // what a data steward approves, by plan.planHash
/// ```
public struct StudySpecification: Hashable, Sendable, Codable {
    // Identity and data
    /// The study's name in records, trails and plans (deployment default `study`).
    public var id: String?
    /// A benchmark data set (`heart-disease`, `breastmnist`, `pneumoniamnist`).
    public var dataset: BenchmarkDataset?
    /// A study schema (a bundled name or a YAML path) whose prepared site datasets the sites hold.
    public var study: String?
    /// Sites the study expects, by name (deployment: only these are admitted).
    public var sites: [String]?
    /// What the model is meant for, carried into plans and reports.
    public var intendedUse: String?
    /// Probabilities at which the validation report gives sensitivity, specificity, PPV and NPV.
    public var validationThresholds: [Double]?
    /// Patient attributes the validation report groups by (`sex`, `age_band`, `race`, `ethnicity`).
    public var validationSubgroups: [String]?

    // Model and strategy
    public var model: String?
    public var strategy: String?
    public var mu: Float?
    /// Settings of a registered algorithm (`AlgorithmRegistry`), e.g. FedPer's `personal_tensors`.
    public var strategyParameters: [String: Double]?
    public var trimBeta: Double?
    public var byzantine: Int?
    public var keep: Int?

    // Local training and schedule
    public var rounds: Int?
    public var localSteps: Int?
    public var batchSize: Int?
    public var learningRate: Float?
    public var optimizer: String?
    public var momentum: Float?
    public var seed: UInt64?
    public var fraction: Double?
    public var minSites: Int?
    public var evaluateEvery: Int?
    public var roundDeadlineSeconds: Double?

    // Privacy
    public var dpEpsilon: Double?
    public var dpNoise: Double?
    public var dpClip: Float?
    public var dpDelta: Double?
    public var centralDpNoise: Double?
    /// Seeded DP noise: the run reproduces bit for bit and is not private (simulation only).
    public var reproducibleNoise: Bool?
    public var secureAggregation: Bool?

    // Defences
    public var normBound: String?
    public var monitor: Bool?
    public var quarantineThreshold: Double?
    public var quarantineRounds: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, dataset, study, sites
        case intendedUse = "intended_use"
        case validationThresholds = "validation_thresholds"
        case validationSubgroups = "validation_subgroups"
        case model, strategy, mu
        case strategyParameters = "strategy_parameters"
        case trimBeta = "trim_beta"
        case byzantine, keep, rounds
        case localSteps = "local_steps"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case optimizer, momentum, seed, fraction
        case minSites = "min_sites"
        case evaluateEvery = "evaluate_every"
        case roundDeadlineSeconds = "round_deadline_seconds"
        case dpEpsilon = "dp_epsilon"
        case dpNoise = "dp_noise"
        case dpClip = "dp_clip"
        case dpDelta = "dp_delta"
        case centralDpNoise = "central_dp_noise"
        case reproducibleNoise = "reproducible_noise"
        case secureAggregation = "secure_aggregation"
        case normBound = "norm_bound"
        case monitor
        case quarantineThreshold = "quarantine_threshold"
        case quarantineRounds = "quarantine_rounds"
    }

    /// Every key a study block may hold, in the order they are documented.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Reproducible defaults that do not depend on the data set.
    public static let defaultSeed: UInt64 = 42
    public static let defaultDeadlineSeconds = 600.0
    public static let defaultClipNorm: Float = 1.1
    public static let defaultDelta = 1e-5
    public static let defaultTrimBeta = 0.2
}
