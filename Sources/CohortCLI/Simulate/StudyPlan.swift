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
    var fraction: Double
    var minimumSites: Int?
    var evaluateEvery: Int
    var epochs: Int
    var command: [String]
    var siteNames: [String] = []

    init(_ options: SimulateCommand) throws {
        let defaults = options.dataset.defaults
        dataset = options.dataset
        dataPath = options.data ?? options.dataset.defaultPath ?? "bundled"
        strategyName = options.strategy.lowercased()
        switch strategyName {
        case "local": mode = .local
        case "pooled": mode = .pooled
        default:
            guard var spec = StrategySpec(name: strategyName) else {
                throw CohortError("unknown --strategy '\(options.strategy)': use one of \((StrategySpec.names + ["local", "pooled"]).joined(separator: ", "))")
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
        if case .cnn = model, options.dataset == .heartDisease {
            throw CohortError("--model cnn needs images; heart-disease has 13 tabular features: use logistic or mlp")
        }
        rounds = options.rounds ?? defaults.rounds
        localSteps = options.localSteps ?? defaults.localSteps
        batchSize = options.batchSize ?? defaults.batchSize
        momentum = options.momentum ?? defaults.momentum
        seed = options.seed
        splitSeed = options.splitSeed
        siteCount = options.sites ?? defaults.sites
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
        if options.sites != nil && options.dataset == .heartDisease {
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
    }

    /// Checks what depends on the loaded data (site counts, shapes).
    mutating func check(against data: StudyData) throws {
        siteNames = data.sites.map(\.name)
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
            training: TrainingInstructions(localSteps: localSteps, batchSize: batchSize, optimizer: optimizer),
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
                epochs: isBaseline ? epochs : nil),
            rounds: rounds, final: final, localModels: nil,
            timings: RunReport.Timings(totalSeconds: 0, loadSeconds: 0, trainingSeconds: 0))
    }
}
