import ClinicalData
import Federation
import Learning
import Privacy

extension StudySpecification {
    /// Robust rules named as strategies: FedAvg on the server with that rule.
    public static let robustRules = ["median", "trimmed-mean", "krum", "multi-krum", "bulyan", "fltrust", "recess"]
    /// Every strategy name a study may give.
    public static let strategyNames = StrategySpec.names + robustRules + ["lockdown", "local", "pooled"]

    /// The study with its data set's defaults applied and every rule checked, for `runtime`.
    ///
    /// `siteNames` are the sites the study runs on (the loaded data's in simulation); by
    /// default the study's `sites`, else the benchmark's own sites, else `min_sites`
    /// placeholders. Every error names the key it concerns, in the study's vocabulary, so the
    /// simulator and the coordinator refuse a study with the same words.
    public func resolved(siteNames given: [String]? = nil, for runtime: ResolvedStudy.Runtime = .simulation) throws(StudyError) -> ResolvedStudy {
        let data = try dataSource(for: runtime)
        let benchmark: BenchmarkDataset? = if case .benchmark(let b) = data { b } else { nil }
        let defaults = (benchmark ?? .heartDisease).defaults
        let strategyName = (strategy ?? "fedavg").lowercased()

        // Strategy and rule names.
        var mode: ResolvedStudy.Mode
        var ruleName = "mean"
        let rounds = rounds ?? defaults.rounds
        switch strategyName {
        case "local": mode = .local
        case "pooled": mode = .pooled
        case _ where Self.robustRules.contains(strategyName):
            mode = .federated(.fedAvg)
            ruleName = strategyName
        default:
            guard var spec = StrategySpec(name: strategyName, rounds: rounds, seed: seed ?? Self.defaultSeed) else {
                throw StudyError("strategy", "unknown strategy '\(strategy ?? "")': use one of \(Self.strategyNames.joined(separator: ", "))")
            }
            if let mu {
                guard case .fedProx = spec else { throw StudyError("mu", "mu applies only to strategy fedprox") }
                guard mu >= 0, mu.isFinite else { throw StudyError("mu", "mu must be a non-negative number, got \(mu)") }
                spec = .fedProx(mu: mu)
            }
            if let strategyParameters {
                guard case .algorithm(let name, _, let rounds, let seed) = spec, let algorithm = AlgorithmRegistry.algorithm(named: name) else {
                    throw StudyError(
                        "strategy_parameters",
                        "strategy_parameters applies to \(AlgorithmRegistry.all.filter { !$0.defaultParameters.isEmpty }.map { $0.algorithmName }.joined(separator: ", ")), not \(strategyName)"
                    )
                }
                if let unknown = strategyParameters.keys.sorted().first(where: { algorithm.defaultParameters[$0] == nil }) {
                    throw StudyError(
                        "strategy_parameters",
                        "\(name) has no setting '\(unknown)' (it has \(algorithm.defaultParameters.keys.sorted().joined(separator: ", ")))")
                }
                spec = .algorithm(name: name, parameters: strategyParameters, rounds: rounds, seed: seed)
            }
            mode = .federated(spec)
        }
        if runtime == .deployment, case .federated = mode {
        } else if runtime == .deployment {
            throw StudyError("strategy", "strategy '\(strategyName)' is a baseline that needs all data in one place, not a federated study")
        }
        let isBaseline: Bool = if case .federated = mode { false } else { true }

        // Model.
        let model: ModelSpec
        do { model = try self.model.map { try ModelSpec(parsing: $0) } ?? defaults.model } catch {
            throw StudyError("model", "\(error)")
        }
        let shape = ResolvedStudy.exampleShape(of: data)
        if case .cnn = model, shape.rank != 3 {
            throw StudyError("model", "model cnn needs images; this study's examples have shape \(shape): use logistic or mlp")
        }
        try Self.checkSize(of: model, inputShape: shape)

        // Schedule and local training.
        let localSteps = localSteps ?? defaults.localSteps
        let batchSize = batchSize ?? defaults.batchSize
        let momentum = momentum ?? defaults.momentum
        let fraction = fraction ?? 1
        let evaluateEvery = evaluateEvery ?? 1
        try Self.require(rounds, in: 1...StudyLimits.rounds, "rounds")
        try Self.require(localSteps, in: 1...StudyLimits.localSteps, "local_steps")
        try Self.require(batchSize, in: 1...StudyLimits.batchSize, "batch_size")
        try Self.require(evaluateEvery, in: 1...StudyLimits.rounds, "evaluate_every")
        guard fraction > 0, fraction <= 1 else { throw StudyError("fraction", "fraction must be in (0, 1], got \(fraction)") }
        guard momentum >= 0, momentum < 1 else { throw StudyError("momentum", "momentum must be in [0, 1), got \(momentum)") }
        if let minSites { try Self.require(minSites, in: 1...StudyLimits.sites, "min_sites") }
        let deadline = roundDeadlineSeconds ?? Self.defaultDeadlineSeconds
        guard deadline >= 0.01, deadline <= StudyLimits.roundDeadlineSeconds else {
            throw StudyError(
                "round_deadline_seconds", "round_deadline_seconds must be between 0.01 and \(Int(StudyLimits.roundDeadlineSeconds)) (a year), got \(deadline)")
        }

        let learningRate: Float
        if let rate = self.learningRate {
            learningRate = rate
        } else if case .federated(let spec) = mode, benchmark == .heartDisease {
            learningRate = spec.flambyLocalLearningRate
        } else {
            learningRate = defaults.learningRate
        }
        guard learningRate > 0, learningRate.isFinite else { throw StudyError("learning_rate", "learning_rate must be a positive number, got \(learningRate)") }
        let optimizerName = (optimizer ?? (isBaseline ? "adam" : "sgd")).lowercased()
        let optimizerSpec: OptimizerSpec
        switch optimizerName {
        case "sgd": optimizerSpec = .sgd(learningRate: learningRate, momentum: momentum)
        case "adam": optimizerSpec = .adam(learningRate: learningRate)
        default: throw StudyError("optimizer", "unknown optimizer '\(optimizer ?? "")': use sgd or adam")
        }
        if case .federated(.scaffold) = mode, optimizerName != "sgd" || momentum != 0 {
            throw StudyError("optimizer", "strategy scaffold needs plain SGD (its control variates assume it): drop optimizer and momentum")
        }
        var proximalMu: Float?
        if case .federated(.fedProx(let mu)) = mode { proximalMu = mu }

        // Privacy.
        let delta = dpDelta ?? Self.defaultDelta
        guard delta > 0, delta < 1 else { throw StudyError("dp_delta", "dp_delta must be in (0, 1), got \(delta)") }
        if dpEpsilon != nil && dpNoise != nil {
            throw StudyError("dp_epsilon", "dp_epsilon and dp_noise both set the DP-SGD noise: give one of them")
        }
        var noise: LocalPrivacy.Noise?
        if let epsilon = dpEpsilon {
            guard epsilon > 0, epsilon.isFinite else { throw StudyError("dp_epsilon", "dp_epsilon must be a positive number, got \(epsilon)") }
            noise = .targetEpsilon(epsilon, plannedSteps: rounds * localSteps)
        }
        if let sigma = dpNoise {
            guard sigma > 0, sigma.isFinite else { throw StudyError("dp_noise", "dp_noise must be a positive number, got \(sigma)") }
            noise = .multiplier(sigma)
        }
        var localPrivacy: LocalPrivacy?
        let clip = dpClip ?? Self.defaultClipNorm
        if let noise {
            guard clip > 0, clip.isFinite else { throw StudyError("dp_clip", "dp_clip must be a positive number, got \(clip)") }
            localPrivacy = LocalPrivacy(clipNorm: clip, noise: noise, expectedBatchSize: Double(batchSize), delta: delta)
        }
        var centralNoise: Double?
        if let z = centralDpNoise {
            guard z >= 0, z.isFinite else { throw StudyError("central_dp_noise", "central_dp_noise must be 0 or more, got \(z)") }
            centralNoise = z
        }
        if isBaseline && (localPrivacy != nil || centralNoise != nil) {
            throw StudyError("strategy", "differential privacy applies to federated strategies, not the \(strategyName) baseline")
        }
        if centralNoise != nil && ruleName != "mean" {
            throw StudyError("central_dp_noise", "central_dp_noise is its own aggregation (DP-FedAvg) and cannot be combined with strategy \(strategyName)")
        }
        let reproducible = reproducibleNoise ?? false
        if reproducible && runtime == .deployment {
            throw StudyError(
                "reproducible_noise",
                "reproducible_noise draws DP noise from the study seed, which the coordinator knows and sends to every site: it is for simulation only; remove it"
            )
        }

        // Defences.
        let trimBeta = trimBeta ?? Self.defaultTrimBeta
        guard trimBeta >= 0, trimBeta < 0.5 else { throw StudyError("trim_beta", "trim_beta must be in [0, 0.5), got \(trimBeta)") }
        var ruleSpec = AggregationRuleSpec()
        if let normBound { ruleSpec.normBound = try Self.parseNormBound(normBound) }
        var monitor: SiteMonitor?
        if self.monitor ?? false {
            let threshold = quarantineThreshold ?? 3.5
            let streak = quarantineRounds ?? 3
            try Self.require(streak, in: 1...StudyLimits.rounds, "quarantine_rounds")
            do { monitor = try SiteMonitor(threshold: threshold, rounds: streak) } catch {
                throw StudyError("quarantine_threshold", "quarantine_threshold must be a positive number, got \(threshold)")
            }
        }
        let secure = secureAggregation ?? false
        if secure && isBaseline {
            throw StudyError("secure_aggregation", "secure_aggregation applies to federated strategies, not the \(strategyName) baseline")
        }

        // Sites.
        let sites = try siteList(given: given, benchmark: benchmark)
        if let minSites, minSites > sites.count {
            throw StudyError("min_sites", "min_sites \(minSites) exceeds the \(sites.count) sites of the study")
        }
        let sampled = max(1, Int((fraction * Double(sites.count)).rounded(.up)))
        let minimum = minSites ?? sampled
        if let byzantine, byzantine < 0 { throw StudyError("byzantine", "byzantine must be 0 or more, got \(byzantine)") }
        switch ruleName {
        case "median": ruleSpec.kind = .median
        case "trimmed-mean": ruleSpec.kind = .trimmedMean(beta: trimBeta)
        case "krum", "multi-krum":
            let tolerated = byzantine ?? max(0, (minimum - 3) / 2)
            guard 2 * tolerated + 3 <= minimum else {
                throw StudyError(
                    "byzantine",
                    "strategy \(ruleName) with f = \(tolerated) needs at least \(2 * tolerated + 3) sites per round (2f + 3), the study has \(minimum): lower byzantine"
                )
            }
            if ruleName == "krum" {
                ruleSpec.kind = .krum(f: tolerated)
            } else {
                let keep = keep ?? (minimum - tolerated)
                guard keep >= 1, keep <= minimum else { throw StudyError("keep", "keep must be between 1 and \(minimum), got \(keep)") }
                ruleSpec.kind = .multiKrum(f: tolerated, keep: keep)
            }
        case "bulyan":
            let tolerated = byzantine ?? max(0, (minimum - 3) / 4)
            guard 4 * tolerated + 3 <= minimum else {
                throw StudyError(
                    "byzantine",
                    "strategy bulyan with f = \(tolerated) needs at least \(4 * tolerated + 3) sites per round (4f + 3), the study has \(minimum): lower byzantine"
                )
            }
            ruleSpec.kind = .bulyan(f: tolerated)
        case "fltrust":
            if runtime == .deployment {
                throw StudyError("strategy", "strategy fltrust needs a root data set held by the coordinator, which a deployment does not have")
            }
            ruleSpec.kind = .flTrust
        case "recess": ruleSpec.kind = .recess
        default: break
        }

        let id = self.id ?? benchmark?.rawValue ?? "study"
        guard Naming.isValid(id) else { throw StudyError("id", "id '\(id)' is not valid: \(Naming.rule)") }
        let selection: SiteSelection
        do { selection = try SiteSelection(fraction: fraction, minimumSites: minimum) } catch {
            throw StudyError("min_sites", "min_sites must be at least 1, got \(minimum)")
        }
        let configuration = StudyConfiguration(
            studyID: id, rounds: rounds, selection: selection,
            training: TrainingInstructions(localSteps: localSteps, batchSize: batchSize, optimizer: optimizerSpec, privacy: localPrivacy),
            evaluateEvery: evaluateEvery, roundDeadlineSeconds: deadline, seed: seed ?? Self.defaultSeed)
        let study = ResolvedStudy(
            specification: self, id: id, data: data, mode: mode, strategyName: strategyName, ruleName: ruleName, rule: ruleSpec,
            model: model, rounds: rounds, localSteps: localSteps, batchSize: batchSize, optimizer: optimizerSpec,
            optimizerName: optimizerName, momentum: momentum, proximalMu: proximalMu, seed: seed ?? Self.defaultSeed,
            siteNames: sites, expectedSites: self.sites, localPrivacy: localPrivacy, centralNoise: centralNoise, delta: delta,
            reproducibleNoise: reproducible, monitor: monitor, secureAggregation: secure, configuration: configuration,
            intendedUse: intendedUse)
        try study.checkCompatibility()
        _ = try study.validationSettings()
        return study
    }

    /// The data the study reads, checked against what `runtime` can provide.
    private func dataSource(for runtime: ResolvedStudy.Runtime) throws(StudyError) -> ResolvedStudy.DataSource {
        if let name = study {
            if dataset != nil && dataset != .heartDisease {
                throw StudyError("study", "give either dataset or study (a prepared study schema), not both")
            }
            do {
                let schema = try StudySchema.resolve(name)
                return .prepared(schemaName: name, schemaSHA256: schema.sha256, features: CohortEncoder(study: schema).layout.names.count)
            } catch {
                throw StudyError("study", "study: \(error)")
            }
        }
        let benchmark = dataset ?? .heartDisease
        if runtime == .deployment && !benchmark.deploys {
            throw StudyError(
                "dataset",
                "dataset \(benchmark.rawValue) is partitioned by the simulator; deployed sites bring their own data (use heart-disease or a prepared study)")
        }
        return .benchmark(benchmark)
    }

    /// The study's sites: given, listed, the benchmark's, or placeholders for `min_sites`.
    private func siteList(given: [String]?, benchmark: BenchmarkDataset?) throws(StudyError) -> [String] {
        if let listed = sites {
            guard !listed.isEmpty, Set(listed).count == listed.count else { throw StudyError("sites", "sites must list distinct site names") }
            for name in listed where !Naming.isValid(name) {
                throw StudyError("sites", "sites lists '\(name)', not a valid site name: \(Naming.rule)")
            }
        }
        if let given, !given.isEmpty { return given }
        if let listed = sites { return listed }
        if let natural = benchmark?.naturalSites, study == nil { return natural }
        if let minSites { return (1...minSites).map { "site-\($0)" } }
        if let benchmark, study == nil { return (1...benchmark.defaults.sites).map { "site-\($0)" } }
        throw StudyError("sites", "the study needs 'sites' (the expected site names) or 'min_sites' (how many sites a round needs)")
    }

    static func require(_ value: Int, in range: ClosedRange<Int>, _ key: String) throws(StudyError) {
        guard range.contains(value) else {
            throw StudyError(key, "\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// Refuses a model too large to build, before anything allocates it.
    static func checkSize(of model: ModelSpec, inputShape: Shape) throws(StudyError) {
        guard case .mlp(let hidden, _, _) = model else { return }
        var inputs = inputShape.dimensions.reduce(1, *)
        var total = 0
        for width in hidden + [1] {
            let (weights, overflow) = inputs.multipliedReportingOverflow(by: width)
            guard !overflow, weights <= StudyLimits.parameters, total <= StudyLimits.parameters - weights else {
                throw StudyError("model", "model \(model) has more than \(StudyLimits.parameters) parameters; choose smaller layers")
            }
            total += weights + width
            inputs = width
        }
    }

    /// `X` (a positive number) or `adaptive[:K]`.
    public static func parseNormBound(_ text: String) throws(StudyError) -> NormBounded.Bound {
        if let value = Double(text) {
            guard value > 0, value.isFinite else { throw StudyError("norm_bound", "norm_bound must be a positive number or adaptive[:K], got '\(text)'") }
            return .fixed(value)
        }
        let parts = text.lowercased().split(separator: ":")
        guard parts.first == "adaptive", parts.count <= 2 else {
            throw StudyError("norm_bound", "norm_bound must be a positive number or adaptive[:K], got '\(text)'")
        }
        let multiplier = parts.count == 2 ? Double(parts[1]) : 2
        guard let multiplier, multiplier > 0, multiplier.isFinite else {
            throw StudyError("norm_bound", "norm_bound adaptive:K needs a positive K, got '\(text)'")
        }
        return .adaptive(multiplier: multiplier)
    }
}

extension ResolvedStudy {
    static func exampleShape(of data: DataSource) -> Shape {
        switch data {
        case .benchmark(let benchmark): benchmark.exampleShape
        case .prepared(_, _, let features): Shape([features])
        }
    }

    /// The one compatibility check (Federation's, which the coordinator runs too), on the
    /// strategy and rule this study builds.
    func checkCompatibility() throws(StudyError) {
        guard case .federated(let spec) = mode else { return }
        let strategy: any Strategy
        do { strategy = try spec.makeStrategy() } catch { throw StudyError("strategy_parameters", "\(error)") }
        let rule: any AggregationRule
        // FLTrust's root data stays with the coordinator; one blank row stands in for the check.
        let standIn = Dataset(
            features: [Float](repeating: 0, count: exampleShape.dimensions.reduce(1, *)), labels: [0],
            exampleShape: exampleShape, task: task)
        do { rule = try makeRule(rootData: needsRootData ? standIn : nil) } catch {
            throw StudyError(nil, "\(error)")
        }
        do {
            try StudyCompatibility.check(
                strategy: strategy, rule: rule, monitoring: monitor != nil,
                secureAggregation: secureAggregation, minimumSites: configuration.selection.minimumSites)
        } catch {
            throw StudyError(nil, error.description)
        }
    }
}
