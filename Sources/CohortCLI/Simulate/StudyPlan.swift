import Federation
import Learning

/// The command line's options resolved against the data set's defaults and checked, so
/// that every mistake is reported, with the flag it concerns, before any work starts.
struct StudyPlan {
    enum Mode {
        case federated(StrategySpec)
        case local
        case pooled
    }

    var mode: Mode
    var strategyName: String
    var dataset: DatasetChoice
    var dataPath: String
    var model: ModelSpec
    var rounds: Int
    var localSteps: Int
    var batchSize: Int
    var optimizer: OptimizerSpec
    var optimizerName: String
    var momentum: Float
    var proximalMu: Float?
    var seed: UInt64
    var splitSeed: UInt64?
    var siteCount: Int
    /// With --study: the prepared site datasets to federate.
    var preparedSites: [String]?
    var fraction: Double
    var minimumSites: Int?
    var evaluateEvery: Int
    var epochs: Int
    var command: [String]
    var siteNames: [String] = []
    /// How a round's updates are combined (a robust rule for the defence strategies).
    var rule = AggregationRuleSpec()
    var ruleName = "mean"
    var byzantine: Int?
    var multiKrumKeep: Int?
    var trimBeta: Double
    var attack: Attack?
    var maliciousText: String?
    var attackPlan: AttackPlan?
    var monitor: SiteMonitor?
    var privacy: PrivacyPlan
    /// SecAgg+: the coordinator learns only the sum of the sites' updates.
    var secureAggregation: Bool

    /// Defence strategies: FedAvg on the server with a robust aggregation rule.
    static let robustRules = ["median", "trimmed-mean", "krum", "multi-krum", "bulyan", "fltrust", "recess"]
    static let strategyNames = StrategySpec.names + robustRules + ["lockdown", "local", "pooled"]

    init(_ options: SimulateCommand) throws {
        let defaults = options.dataset.defaults
        dataset = options.dataset
        dataPath = options.data ?? options.dataset.defaultPath ?? "bundled"
        strategyName = options.strategy.lowercased()
        trimBeta = options.trimBeta
        byzantine = options.byzantine
        multiKrumKeep = options.keep
        switch strategyName {
        case "local": mode = .local
        case "pooled": mode = .pooled
        case "lockdown":
            mode = .federated(.lockdown(rounds: options.rounds ?? defaults.rounds, maskSeed: options.seed))
        case _ where StudyPlan.robustRules.contains(strategyName):
            mode = .federated(.fedAvg)
            ruleName = strategyName
        default:
            guard var spec = StrategySpec(name: strategyName) else {
                throw CohortError("unknown --strategy '\(options.strategy)': use one of \(StudyPlan.strategyNames.joined(separator: ", "))")
            }
            if let mu = options.mu {
                guard case .fedProx = spec else { throw CohortError("--mu applies only to --strategy fedprox") }
                guard mu >= 0, mu.isFinite else { throw CohortError("--mu must be a non-negative number, got \(mu)") }
                spec = .fedProx(mu: mu)
            }
            mode = .federated(spec)
        }
        do {
            model = try options.model.map { try ModelSpec(parsing: $0) } ?? defaults.model
        } catch {
            throw CohortError("--model: \(error)")
        }
        if case .cnn = model, options.dataset == .heartDisease, options.study == nil {
            throw CohortError("--model cnn needs images; heart-disease has 13 tabular features: use logistic or mlp")
        }
        rounds = options.rounds ?? defaults.rounds
        localSteps = options.localSteps ?? defaults.localSteps
        batchSize = options.batchSize ?? defaults.batchSize
        momentum = options.momentum ?? defaults.momentum
        seed = options.seed
        splitSeed = options.splitSeed
        if let study = options.study {
            guard let list = options.sites, Int(list) == nil else {
                throw CohortError("--study \(study) needs --sites DIR1,DIR2,... listing the prepared site datasets (from `cohort data prepare`)")
            }
            preparedSites = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            siteCount = preparedSites!.count
        } else if let text = options.sites {
            guard let count = Int(text) else {
                throw CohortError("--sites must be a number of sites for MedMNIST, or a list of prepared datasets together with --study, got '\(text)'")
            }
            siteCount = count
        } else {
            siteCount = defaults.sites
        }
        fraction = options.fraction
        minimumSites = options.minSites
        evaluateEvery = options.evaluateEvery
        epochs = options.epochs ?? 50
        command = ["cohort", "simulate"] + Array(CommandLine.arguments.dropFirst(2))

        guard rounds >= 1 else { throw CohortError("--rounds must be at least 1, got \(rounds)") }
        guard localSteps >= 1 else { throw CohortError("--local-steps must be at least 1, got \(localSteps)") }
        guard batchSize >= 1 else { throw CohortError("--batch-size must be at least 1, got \(batchSize)") }
        guard fraction > 0, fraction <= 1 else { throw CohortError("--fraction must be in (0, 1], got \(fraction)") }
        guard evaluateEvery >= 1 else { throw CohortError("--evaluate-every must be at least 1, got \(evaluateEvery)") }
        guard epochs >= 1 else { throw CohortError("--epochs must be at least 1, got \(epochs)") }
        guard siteCount >= 1 else { throw CohortError("--sites must be at least 1, got \(siteCount)") }
        guard options.alpha > 0, options.alpha.isFinite else { throw CohortError("--alpha must be a positive number, got \(options.alpha)") }
        guard momentum >= 0, momentum < 1 else { throw CohortError("--momentum must be in [0, 1), got \(momentum)") }
        if let minimumSites, minimumSites < 1 { throw CohortError("--min-sites must be at least 1, got \(minimumSites)") }
        if options.sites != nil && options.dataset == .heartDisease && options.study == nil {
            throw CohortError("--sites does not apply to heart-disease: its 4 hospitals are the sites")
        }
        if options.splitSeed != nil && options.dataset != .heartDisease {
            throw CohortError("--split-seed applies to heart-disease; MedMNIST keeps its official train/test split")
        }

        let isBaseline: Bool
        if case .federated = mode { isBaseline = false } else { isBaseline = true }
        let learningRate: Float
        if let rate = options.learningRate {
            learningRate = rate
        } else if case .federated(let spec) = mode, options.dataset == .heartDisease {
            learningRate = spec.flambyLocalLearningRate
        } else {
            learningRate = defaults.learningRate
        }
        guard learningRate > 0, learningRate.isFinite else { throw CohortError("--lr must be a positive number, got \(learningRate)") }
        optimizerName = (options.optimizer ?? (isBaseline ? "adam" : "sgd")).lowercased()
        switch optimizerName {
        case "sgd": optimizer = .sgd(learningRate: learningRate, momentum: momentum)
        case "adam": optimizer = .adam(learningRate: learningRate)
        default: throw CohortError("unknown --optimizer '\(options.optimizer ?? "")': use sgd or adam")
        }
        if case .federated(.scaffold) = mode, optimizerName != "sgd" || momentum != 0 {
            throw CohortError("--strategy scaffold needs plain SGD (its control variates assume it): drop --optimizer/--momentum")
        }
        if case .federated(.fedProx(let mu)) = mode { proximalMu = mu }

        privacy = try PrivacyPlan(options, batchSize: batchSize, rounds: rounds, localSteps: localSteps)
        if isBaseline && (privacy.local != nil || privacy.centralNoise != nil) {
            throw CohortError("differential privacy applies to federated strategies, not the \(strategyName) baseline")
        }
        if privacy.centralNoise != nil && ruleName != "mean" {
            throw CohortError("--central-dp-noise is its own aggregation (DP-FedAvg) and cannot be combined with --strategy \(strategyName)")
        }
        if let name = options.attack {
            guard let attack = Attack(name: name, backdoorTarget: options.backdoorTarget) else {
                throw CohortError("unknown --attack '\(name)': use one of \(Attack.names.joined(separator: ", "))")
            }
            guard options.malicious != nil else { throw CohortError("--attack needs --malicious N (a count) or a fraction such as 0.2") }
            self.attack = attack
        } else if options.malicious != nil {
            throw CohortError("--malicious needs --attack NAME")
        }
        maliciousText = options.malicious
        if isBaseline && attack != nil { throw CohortError("--attack applies to federated strategies, not the \(strategyName) baseline") }
        guard trimBeta >= 0, trimBeta < 0.5 else { throw CohortError("--trim-beta must be in [0, 0.5), got \(trimBeta)") }
        if let byzantine, byzantine < 0 { throw CohortError("--byzantine must be 0 or more, got \(byzantine)") }
        if let normBound = options.normBound {
            rule.normBound = try StudyPlan.parseNormBound(normBound)
        }
        if options.monitor {
            guard options.quarantineThreshold > 0 else { throw CohortError("--quarantine-threshold must be positive") }
            guard options.quarantineRounds >= 1 else { throw CohortError("--quarantine-rounds must be at least 1") }
            monitor = SiteMonitor(threshold: options.quarantineThreshold, rounds: options.quarantineRounds)
        }
        if case .federated(.scaffold) = mode, rule.normBound != nil {
            throw CohortError("--norm-bound cannot be combined with --strategy scaffold (its control variates need the plain mean)")
        }
        if case .federated(.lockdown) = mode, rule.normBound != nil {
            throw CohortError("--norm-bound cannot be combined with --strategy lockdown (its masks need the plain mean)")
        }
        secureAggregation = options.secureAggregation
        if secureAggregation { try checkSecureAggregation(options) }
    }

    /// What secure aggregation rules out: anything that needs one site's own update.
    private func checkSecureAggregation(_ options: SimulateCommand) throws {
        let sumOnly = "--secure-aggregation reveals only the sum of the updates"
        switch mode {
        case .local, .pooled:
            throw CohortError("--secure-aggregation applies to federated strategies, not the \(strategyName) baseline")
        case .federated(.scaffold):
            throw CohortError("--strategy scaffold needs each site's control-variate delta, but \(sumOnly): drop --secure-aggregation or use fedavg, fedprox or fedadam")
        case .federated(.lockdown):
            throw CohortError("--strategy lockdown needs each site's subspace mask, but \(sumOnly): drop --secure-aggregation or use fedavg, fedprox or fedadam")
        case .federated:
            break
        }
        if ruleName != "mean" {
            throw CohortError("--strategy \(strategyName) needs each site's own update, but \(sumOnly): drop --secure-aggregation or use fedavg, fedprox or fedadam")
        }
        if rule.normBound != nil {
            throw CohortError("--norm-bound clips each update at the coordinator, but \(sumOnly): drop one of them (with --central-dp-noise the sites clip)")
        }
        if options.monitor {
            throw CohortError("--monitor scores each site's own update, but \(sumOnly): drop one of them")
        }
        if attack != nil {
            throw CohortError("--attack tampers with updates in transit, but --secure-aggregation seals them: drop one of them")
        }
    }

    static func parseNormBound(_ text: String) throws -> NormBounded.Bound {
        if let value = Double(text) {
            guard value > 0, value.isFinite else { throw CohortError("--norm-bound must be a positive number or adaptive[:K], got '\(text)'") }
            return .fixed(value)
        }
        let parts = text.lowercased().split(separator: ":")
        guard parts.first == "adaptive", parts.count <= 2 else {
            throw CohortError("--norm-bound must be a positive number or adaptive[:K], got '\(text)'")
        }
        let multiplier = parts.count == 2 ? Double(parts[1]) : 2
        guard let multiplier, multiplier > 0 else { throw CohortError("--norm-bound adaptive:K needs a positive K, got '\(text)'") }
        return .adaptive(multiplier: multiplier)
    }

    var needsRootData: Bool { ruleName == "fltrust" }

    var byzantineF: Int? {
        switch rule.kind {
        case .krum(let f), .multiKrum(let f, _), .bulyan(let f): f
        default: nil
        }
    }

    static func describe(_ bound: NormBounded.Bound) -> String {
        switch bound {
        case .fixed(let value): "\(value)"
        case .adaptive(let multiplier): "adaptive:\(multiplier)"
        }
    }

    /// Central test sets: the pooled test, and the backdoor's success set under a backdoor attack.
    func centralTests(for data: StudyData) -> [String: Dataset] {
        var tests = data.centralTests
        if case .backdoor(let backdoor) = attack, let pooled = tests[StudyData.pooledTestName] {
            tests[StudyData.backdoorTestName] = backdoor.successTestSet(from: pooled)
        }
        return tests
    }

    /// Checks what depends on the loaded data (site counts, shapes).
    mutating func check(against data: StudyData) throws {
        siteNames = data.sites.map(\.name)
        let n = data.sites.count
        if let attack, let text = maliciousText {
            let count: Int
            if let whole = Int(text) {
                count = whole
            } else if let fraction = Double(text), fraction > 0, fraction < 1 {
                count = Int((fraction * Double(n)).rounded())
            } else {
                throw CohortError("--malicious must be a count (2) or a fraction between 0 and 1 (0.2), got '\(text)'")
            }
            guard count >= 1, count < n else { throw CohortError("--malicious must leave at least one honest site and name at least one: got \(count) of \(n) sites") }
            attackPlan = AttackPlan(attack: attack, count: count, among: siteNames.map { SiteID($0) }, seed: seed)
        }
        let sampled = studyConfiguration.selection.minimumSites
        let f = byzantine ?? attackPlan?.malicious.count
        switch ruleName {
        case "median": rule.kind = .median
        case "trimmed-mean": rule.kind = .trimmedMean(beta: trimBeta)
        case "krum", "multi-krum":
            let tolerated = f ?? max(0, (sampled - 3) / 2)
            guard 2 * tolerated + 3 <= sampled else {
                throw CohortError("--strategy \(ruleName) with f = \(tolerated) needs at least \(2 * tolerated + 3) sites per round (2f + 3), the study has \(sampled): lower --byzantine")
            }
            if ruleName == "krum" {
                rule.kind = .krum(f: tolerated)
            } else {
                let keep = multiKrumKeep ?? (sampled - tolerated)
                guard keep >= 1, keep <= sampled else { throw CohortError("--keep must be between 1 and \(sampled), got \(keep)") }
                rule.kind = .multiKrum(f: tolerated, keep: keep)
            }
        case "bulyan":
            let tolerated = f ?? max(0, (sampled - 3) / 4)
            guard 4 * tolerated + 3 <= sampled else {
                throw CohortError("--strategy bulyan with f = \(tolerated) needs at least \(4 * tolerated + 3) sites per round (4f + 3), the study has \(sampled): lower --byzantine")
            }
            rule.kind = .bulyan(f: tolerated)
        case "fltrust": rule.kind = .flTrust
        case "recess": rule.kind = .recess
        default: break
        }
        if let minimumSites, minimumSites > data.sites.count {
            throw CohortError("--min-sites \(minimumSites) exceeds the \(data.sites.count) sites of the study")
        }
        let shape = data.sites[0].train.exampleShape
        if case .cnn = model, shape.rank != 3 {
            throw CohortError("--model cnn needs image data, this data set has examples of shape \(shape)")
        }
    }

    var studyConfiguration: StudyConfiguration {
        let sampled = max(1, Int((fraction * Double(max(siteNames.count, 1))).rounded(.up)))
        return StudyConfiguration(
            studyID: "simulate-\(dataset.rawValue)", rounds: rounds,
            selection: SiteSelection(fraction: fraction, minimumSites: minimumSites ?? sampled),
            training: TrainingInstructions(localSteps: localSteps, batchSize: batchSize, optimizer: optimizer, privacy: privacy.local),
            evaluateEvery: evaluateEvery, seed: seed)
    }

    var baselinePlan: Baselines.Plan {
        Baselines.Plan(optimizer: optimizer, batchSize: batchSize, epochs: epochs, seed: seed)
    }

    var isBaseline: Bool {
        if case .federated = mode { return false }
        return true
    }

    func report(rounds: [RunReport.RoundSummary], final: RunReport.FinalSummary) -> RunReport {
        RunReport(
            command: command,
            config: RunReport.RunConfig(
                dataset: dataset.rawValue, data: dataPath, model: model.description, strategy: strategyName,
                rounds: isBaseline ? 0 : self.rounds, localSteps: isBaseline ? 0 : localSteps, batchSize: batchSize,
                optimizer: optimizerName, learningRate: optimizer.learningRate, momentum: momentum,
                proximalMu: proximalMu, seed: seed, splitSeed: splitSeed, sites: siteNames, fraction: fraction,
                minimumSites: studyConfiguration.selection.minimumSites, evaluateEvery: evaluateEvery,
                epochs: isBaseline ? epochs : nil,
                aggregationRule: ruleName, byzantineF: byzantineF, normBound: rule.normBound.map(StudyPlan.describe),
                attack: attack?.description, maliciousSites: attackPlan.map { $0.malicious.map(\.name).sorted() },
                monitor: monitor != nil, secureAggregation: secureAggregation ? true : nil),
            rounds: rounds, final: final, localModels: nil,
            timings: RunReport.Timings(totalSeconds: 0, loadSeconds: 0, trainingSeconds: 0))
    }
}
