import Learning

/// Problems with a simulation's setup, found before any training starts.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    case noSites
    case inconsistentSites(String)
    case duplicateSite(String)

    public var description: String {
        switch self {
        case .noSites: "the simulation has no sites"
        case .inconsistentSites(let detail): "sites disagree: \(detail)"
        case .duplicateSite(let name): "two sites are named '\(name)'"
        }
    }
}

/// A whole federated study in one process: a coordinator and one site actor per data
/// partition, talking through the in-process transport. The same coordinator and site code
/// runs in deployment; only the transport changes.
///
/// ```swift
/// let heart = try HeartDisease.load()   // four hospitals, FLamby's split
/// let configuration = StudyConfiguration(studyID: "heart", rounds: 15, selection: SiteSelection(),
///     training: TrainingInstructions(localSteps: 100, batchSize: 4, optimizer: .sgd(learningRate: 0.001)), seed: 42)
/// let outcome = try await Simulation(sites: heart.sites, model: .logisticRegression, strategy: .fedAvg,
///                                    configuration: configuration).run()
/// print(outcome.rounds.last?.metrics ?? [:])
/// ```
public struct Simulation: Sendable {
    public var sites: [SiteData]
    public var model: ModelSpec
    public var strategy: StrategySpec
    public var rule: AggregationRuleSpec
    /// FLTrust's root data set, held by the coordinator.
    public var rootData: Dataset?
    public var configuration: StudyConfiguration
    public var centralEvaluation: [String: Dataset]
    public var attack: AttackPlan?
    public var monitor: SiteMonitor?
    /// Each site's privacy budget keeper (DP-SGD studies).
    public var privacyGuards: [SiteID: any PrivacyGuard] = [:]
    /// A rule built elsewhere (DP-FedAvg lives in the Privacy module); replaces `rule`.
    public var customRule: (any AggregationRule)?
    /// Wraps the in-process sites themselves, beneath attacks and auditing: where tests inject
    /// dropouts, stragglers and broken updates.
    public var siteTransportWrapper: (@Sendable (any Transport & SecureExchanging) -> any Transport & SecureExchanging)?
    /// The coordinator's audit trail head, sent with every round's instructions (witnessed trails).
    public var coordinatorTrailHead: (@Sendable () -> TrailHead?)?
    /// Wraps the sites' transport, as a site agent wraps its own side (auditing, policy gates).
    public var transportWrapper: (@Sendable (any Transport) -> any Transport)?
    /// Secure aggregation (built in the Privacy module): sites keep their updates and the
    /// coordinator learns only their sum.
    public var secureAggregation: SecureAggregationSetup?
    /// Where every site's DP-SGD noise and Poisson sampling draw from. `.seeded` reproduces a
    /// private study bit for bit and is not private; a DP-FedAvg rule chooses its own.
    public var noiseSource: NoiseSource = .secure

    public init(
        sites: [SiteData], model: ModelSpec, strategy: StrategySpec, rule: AggregationRuleSpec = AggregationRuleSpec(),
        rootData: Dataset? = nil, configuration: StudyConfiguration,
        centralEvaluation: [String: Dataset] = [:], attack: AttackPlan? = nil,
        monitor: SiteMonitor? = nil
    ) {
        self.attack = attack
        self.monitor = monitor
        self.sites = sites
        self.model = model
        self.strategy = strategy
        self.rule = rule
        self.rootData = rootData
        self.configuration = configuration
        self.centralEvaluation = centralEvaluation
    }

    /// The initial global model every run of this configuration starts from.
    public func initialModel() throws -> Model {
        guard let first = sites.first else { throw SimulationError.noSites }
        return try Model(spec: model, inputShape: first.train.exampleShape, task: first.train.task, seed: configuration.seed)
    }

    public func run(observer: @escaping @Sendable (StudyEvent) -> Void = { _ in }) async throws -> StudyOutcome {
        try validate()
        let initial = try initialModel()
        let actors = try sites.map { data in
            var data = data
            if let attack, attack.malicious.contains(SiteID(data.name)) {
                data.train = attack.attack.poison(data.train, seed: configuration.seed ^ stableHash(data.name))
            }
            return try Site(
                id: SiteID(data.name), study: configuration.studyID, model: model, data: data, seed: configuration.seed,
                privacyGuard: privacyGuards[SiteID(data.name)], noise: noiseSource)
        }
        let endpoints = secureAggregation.map { setup in Dictionary(uniqueKeysWithValues: actors.map { ($0.id, setup.endpoint($0)) }) }
        let inProcess = InProcessTransport(sites: actors, endpoints: endpoints ?? [:])
        let sitesTransport: any Transport & SecureExchanging = siteTransportWrapper?(inProcess) ?? inProcess
        var transport: any Transport = sitesTransport
        let quarantined = QuarantineList()
        if let attack {
            transport = AdversarialTransport(
                wrapping: transport, plan: attack, totalSites: sites.count, seed: configuration.seed,
                selection: configuration.selection, defence: customRule == nil ? rule : nil,
                quarantined: quarantined)
        }
        if let transportWrapper { transport = transportWrapper(transport) }
        if secureAggregation != nil { transport = SecureExchangeRouting(base: transport, endpoints: sitesTransport) }
        let coordinator = try Coordinator(
            configuration: configuration, strategy: strategy.makeStrategy(),
            rule: customRule ?? rule.makeRule(rootData: rootData, model: model, seed: configuration.seed), initialParameters: initial.parameters,
            layout: initial.layout, transport: transport,
            centralEvaluation: centralEvaluation.isEmpty ? nil : CentralEvaluation(model: model, testSets: centralEvaluation),
            monitor: monitor, secureSummation: secureAggregation?.summation)
        if let coordinatorTrailHead { await coordinator.witness(coordinatorTrailHead) }
        return try await coordinator.run { event in
            if case .siteQuarantined(let quarantine) = event { quarantined.add(quarantine.site) }
            observer(event)
        }
    }

    private func validate() throws {
        guard let first = sites.first else { throw SimulationError.noSites }
        var names = Set<String>()
        for site in sites {
            guard names.insert(site.name).inserted else { throw SimulationError.duplicateSite(site.name) }
            for data in [site.train, site.test] where data.exampleShape != first.train.exampleShape || data.task != first.train.task {
                throw SimulationError.inconsistentSites(
                    "\(site.name) has examples of shape \(data.exampleShape) for \(data.task), \(first.name) has \(first.train.exampleShape) for \(first.train.task)"
                )
            }
        }
    }
}
