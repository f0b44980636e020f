/// The model card at the head of a validation report: what the model is for, what it was
/// trained on and under which plan, what privacy it cost, and which code made it. Every
/// field comes from the study definition, the saved model and the study's records; nothing
/// is asked of the user except what TRIPOD+AI lists as theirs to supply.
public struct ModelCard: Hashable, Sendable {
    /// One site's data, by size.
    public struct DataSource: Hashable, Sendable {
        public var site: String
        public var trainingRows: Int?
        public var testRows: Int
        public var testEvents: Int

        public init(site: String, trainingRows: Int?, testRows: Int, testEvents: Int) {
            self.site = site
            self.trainingRows = trainingRows
            self.testRows = testRows
            self.testEvents = testEvents
        }
    }

    /// Differential privacy the study spent.
    public struct Privacy: Hashable, Sendable {
        /// "none", "DP-SGD at every site", "DP-FedAvg at the coordinator", or both.
        public var mechanism: String
        public var delta: Double?
        /// Each site's epsilon spent (at `delta`), where the site kept a ledger.
        public var siteEpsilon: [String: Double]
        /// DP-FedAvg's epsilon, where computed.
        public var centralEpsilon: Double?
        /// "secure" (from the system's generator) or "seeded" (reproducible, not private).
        public var noise: String?

        public init(
            mechanism: String, delta: Double? = nil, siteEpsilon: [String: Double] = [:],
            centralEpsilon: Double? = nil, noise: String? = nil
        ) {
            self.mechanism = mechanism
            self.delta = delta
            self.siteEpsilon = siteEpsilon
            self.centralEpsilon = centralEpsilon
            self.noise = noise
        }
    }

    public var studyID: String
    /// The study's `intended_use` key; nil when the study does not state one.
    public var intendedUse: String?
    /// "simulation" (cohort simulate) or "deployment" (a coordinator and site agents).
    public var runtime: String
    /// What the data is: "UCI heart disease (FLamby split)", a prepared study schema...
    public var dataDescription: String
    public var dataSources: [DataSource]
    public var model: String
    public var parameterCount: Int
    public var modelChecksum: String
    public var strategy: String
    public var aggregationRule: String
    public var rounds: Int
    public var localSteps: Int
    public var batchSize: Int
    public var learningRate: Double
    public var seed: UInt64
    /// The study schema's hash (harmonization): what every site's features mean.
    public var schemaHash: String
    /// The training plan's SHA-256, what each site's data steward approved.
    public var trainingPlanHash: String?
    public var privacy: Privacy
    public var secureAggregation: Bool
    public var codeVersion: String

    public init(
        studyID: String, intendedUse: String?, runtime: String, dataDescription: String, dataSources: [DataSource],
        model: String, parameterCount: Int, modelChecksum: String, strategy: String, aggregationRule: String,
        rounds: Int, localSteps: Int, batchSize: Int, learningRate: Double, seed: UInt64, schemaHash: String,
        trainingPlanHash: String?, privacy: Privacy, secureAggregation: Bool, codeVersion: String
    ) {
        self.studyID = studyID
        self.intendedUse = intendedUse
        self.runtime = runtime
        self.dataDescription = dataDescription
        self.dataSources = dataSources
        self.model = model
        self.parameterCount = parameterCount
        self.modelChecksum = modelChecksum
        self.strategy = strategy
        self.aggregationRule = aggregationRule
        self.rounds = rounds
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.schemaHash = schemaHash
        self.trainingPlanHash = trainingPlanHash
        self.privacy = privacy
        self.secureAggregation = secureAggregation
        self.codeVersion = codeVersion
    }
}
