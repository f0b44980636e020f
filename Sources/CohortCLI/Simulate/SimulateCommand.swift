import ArgumentParser
import Compliance
import Federation
import Foundation
import Learning
import Privacy
import Studies

/// `cohort simulate`: a whole federated study in one process, on real public data.
/// With no arguments it runs FLamby's Fed-Heart-Disease protocol.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a federated study in one process and print per-site results.",
        discussion: """
            With no options: UCI heart disease from 4 hospitals, logistic regression, FedAvg, 15 rounds x \
            100 local SGD steps of batch 4, lr 0.001, seed 42 (FLamby's Fed-Heart-Disease protocol). \
            --strategy local and pooled run the non-federated baselines. --config runs a study \
            YAML (or a coordinator.yaml's study block), the same definition a deployed coordinator \
            runs; flags given with it override its keys.
            """)

    @Option(help: "A study YAML, or a coordinator.yaml whose study: block to run (flags override its keys).")
    var config: String?

    @Option(help: "Data set: \(BenchmarkDataset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dataset: BenchmarkDataset?

    @Option(help: "Where the data set is: a directory with processed.*.data (heart-disease) or an .npz file (MedMNIST). Default: the bundled copy.")
    var data: String?

    @Option(help: "Model: logistic, mlp, mlp:64,64, cnn. Default: logistic for heart-disease, cnn for MedMNIST.")
    var model: String?

    @Option(help: "Strategy: \(StudySpecification.strategyNames.joined(separator: ", ")) (default fedavg).")
    var strategy: String?

    @Option(help: "Federated rounds.")
    var rounds: Int?

    @Option(name: .customLong("local-steps"), help: "Local optimizer steps per round.")
    var localSteps: Int?

    @Option(name: .customLong("batch-size"), help: "Examples per local step.")
    var batchSize: Int?

    @Option(name: [.customLong("lr"), .customLong("learning-rate")], help: "Local learning rate.")
    var learningRate: Float?

    @Option(help: "Local optimizer: sgd or adam (baselines default to adam, as in FLamby).")
    var optimizer: String?

    @Option(help: "SGD momentum.")
    var momentum: Float?

    @Option(help: "FedProx proximal term mu (default 0.01).")
    var mu: Float?

    @Option(help: "Seed for every random draw that protects no one (initial model, batches, site sampling); default 42.")
    var seed: UInt64?

    @Option(name: .customLong("split-seed"), help: "Make a new seeded train/test split instead of FLamby's (heart-disease).")
    var splitSeed: UInt64?

    @Option(help: "MedMNIST: the number of sites (Dirichlet label split). With --study: the prepared site datasets, DIR1,DIR2,...")
    var sites: String?

    @Option(
        help:
            "A study schema (a bundled name such as synthea-cardiovascular, or a YAML path) whose prepared site datasets --sites lists (see `cohort data prepare`)."
    )
    var study: String?

    @Option(help: "Dirichlet concentration of the MedMNIST label split (smaller is more skewed).")
    var alpha: Double = 0.5

    @Option(help: "Fraction of sites sampled per round (default 1).")
    var fraction: Double?

    @Option(name: .customLong("min-sites"), help: "Sites needed for a round to count (default: all sampled).")
    var minSites: Int?

    @Option(name: .customLong("evaluate-every"), help: "Evaluate at every site after every N rounds (default 1).")
    var evaluateEvery: Int?

    @Option(help: "Epochs for the local and pooled baselines (default 50, as in FLamby).")
    var epochs: Int?

    @Option(help: "Poisoning attack by malicious sites: \(Attack.names.joined(separator: ", ")); parameters as NAME:key=value,... (README, \"Defences\").")
    var attack: String?

    @Option(help: "Malicious sites for --attack: a count (2) or a fraction of the sites (0.2).")
    var malicious: String?

    @Option(name: .customLong("backdoor-target"), help: "Label the backdoor trigger should force.")
    var backdoorTarget: Float = 0

    @Option(help: "Byzantine sites that krum, multi-krum and bulyan tolerate (f); default: the number of malicious sites, or the most the rule allows.")
    var byzantine: Int?

    @Option(name: .customLong("trim-beta"), help: "Fraction trimmed from each end by trimmed-mean (default 0.2).")
    var trimBeta: Double?

    @Option(help: "Updates multi-krum keeps (default: sites - f).")
    var keep: Int?

    @Option(
        name: .customLong("norm-bound"),
        help: "Clip each update to this L2 norm, or 'adaptive[:K]' (K times the previous round's median norm, K = 2 by default).")
    var normBound: String?

    @Option(name: .customLong("dp-epsilon"), help: "DP-SGD at every site, with the noise each site calibrates so the whole study spends this epsilon.")
    var dpEpsilon: Double?

    @Option(name: .customLong("dp-noise"), help: "DP-SGD at every site with this noise multiplier (sigma).")
    var dpNoise: Double?

    @Option(name: .customLong("dp-clip"), help: "DP-SGD per-example clipping norm C (default 1.1).")
    var dpClip: Float?

    @Option(name: .customLong("dp-delta"), help: "Delta at which epsilon is measured (default 1e-5).")
    var dpDelta: Double?

    @Flag(
        name: .customLong("reproducible-noise"),
        help: "Draw DP noise from the seed so the run reproduces bit for bit. NOT private: whoever knows the seed can subtract the noise. Simulation only.")
    var reproducibleNoise = false

    @Option(
        name: .customLong("privacy-budget"), help: "Each site's policy: the most epsilon (at --dp-delta) it lets studies spend; rounds past it are refused.")
    var privacyBudget: Double?

    @Option(name: .customLong("ledger-dir"), help: "Where each site's privacy ledger is kept (default: a new temporary folder).")
    var ledgerDirectory: String?

    @Option(name: .customLong("central-dp-noise"), help: "DP-FedAvg on the coordinator: user-level noise multiplier z, with adaptive clipping.")
    var centralNoise: Double?

    @Flag(
        name: .customLong("secure-aggregation"),
        help:
            "Secure aggregation (SecAgg+): sites keep their updates and the coordinator learns only their sum (fedavg, fedprox, fedadam, fedyogi, fedadagrad; with --central-dp-noise the sites clip)."
    )
    var secureAggregation = false

    @Option(
        name: .customLong("audit-dir"),
        help: "Keep a signed, hash-chained audit trail for the coordinator and every site in this folder (keys are created there on first use).")
    var auditDirectory: String?

    @Option(
        name: .customLong("write-plan"), help: "Write the study's training plan (what a site's data steward approves with `cohort site approve`) to this file.")
    var writePlan: String?

    @Option(
        name: .customLong("site-policy"),
        help: "A site policy folder (site-policy.yaml, approvals.jsonl) every site enforces; needs --audit-dir and --steward-key.")
    var sitePolicy: String?

    @Option(name: .customLong("steward-key"), help: "Public key (file or hex) of the data steward who signed the plan approvals.")
    var stewardKey: String?

    @Flag(help: "Score every site's updates each round and quarantine persistent outliers.")
    var monitor = false

    @Option(name: .customLong("quarantine-threshold"), help: "Anomaly score (modified z) above which a round counts against a site (default 3.5).")
    var quarantineThreshold: Double?

    @Option(name: .customLong("quarantine-rounds"), help: "Consecutive anomalous rounds before a site is quarantined (default 3).")
    var quarantineRounds: Int?

    @Option(help: "Write the run's configuration, per-round metrics, final metrics and timings as JSON.")
    var output: String?

    @Flag(help: "Print only the final table.")
    var quiet = false

    func run() async throws {
        let printer = ProgressPrinter(quiet: quiet, rounds: 0)
        if let output { try CohortCommand.checkWritable(output, option: "--output") }
        let (report, model) = try await executeSaving(printer: printer)
        printer.finalTable(report)
        if let output {
            try JSONOutput.write(report, to: output)
            printer.note("wrote \(output)")
            if let model {
                let path = SavedModel.path(beside: output)
                try model.write(to: path)
                printer.note("wrote \(path) (the final model: cohort report validation --run \(output))")
            }
        }
    }

    /// The study these flags (and `--config`) describe: the file's keys, then every flag given.
    func specification() throws -> StudySpecification {
        var spec = StudySpecification()
        if let config {
            do { spec = try StudySpecification(contentsOf: URL(fileURLWithPath: config)) } catch {
                throw CohortError("--config: \(error)")
            }
        }
        if let dataset { spec.dataset = dataset }
        if let study { spec.study = study }
        if let model { spec.model = model }
        if let strategy { spec.strategy = strategy }
        if let rounds { spec.rounds = rounds }
        if let localSteps { spec.localSteps = localSteps }
        if let batchSize { spec.batchSize = batchSize }
        if let learningRate { spec.learningRate = learningRate }
        if let optimizer { spec.optimizer = optimizer }
        if let momentum { spec.momentum = momentum }
        if let mu { spec.mu = mu }
        if let seed { spec.seed = seed }
        if let fraction { spec.fraction = fraction }
        if let minSites { spec.minSites = minSites }
        if let evaluateEvery { spec.evaluateEvery = evaluateEvery }
        if let byzantine { spec.byzantine = byzantine }
        if let trimBeta { spec.trimBeta = trimBeta }
        if let keep { spec.keep = keep }
        if let normBound { spec.normBound = normBound }
        if let dpEpsilon { spec.dpEpsilon = dpEpsilon }
        if let dpNoise { spec.dpNoise = dpNoise }
        if let dpClip { spec.dpClip = dpClip }
        if let dpDelta { spec.dpDelta = dpDelta }
        if let centralNoise { spec.centralDpNoise = centralNoise }
        if reproducibleNoise { spec.reproducibleNoise = true }
        if secureAggregation { spec.secureAggregation = true }
        if monitor { spec.monitor = true }
        if let quarantineThreshold { spec.quarantineThreshold = quarantineThreshold }
        if let quarantineRounds { spec.quarantineRounds = quarantineRounds }
        // A simulation runs on the data it loads: the sites a deployment expects do not apply.
        spec.sites = nil
        return spec
    }

    /// Runs the study and returns its report; progress goes to `printer`.
    func execute(printer: ProgressPrinter) async throws -> RunReport {
        try await executeSaving(printer: printer).report
    }

    /// Runs the study; returns its report and, for a federated study, its final model as the
    /// file `--output` puts beside run.json (what `cohort report validation` reads).
    func executeSaving(printer basePrinter: ProgressPrinter) async throws -> (report: RunReport, model: SavedModel?) {
        let clock = ContinuousClock()
        let start = clock.now
        var plan = try StudyPlan(self)
        BLAS.setThreadCount(1)
        let seed = plan.seed
        let data: StudyData
        if let prepared = plan.preparedSites {
            data = try StudyData.loadPrepared(prepared, study: plan.study.specification.study, seed: splitSeed ?? seed)
        } else {
            data = try StudyData.load(
                plan.dataset, path: self.data ?? plan.dataset.defaultPath, splitSeed: splitSeed,
                siteCount: plan.siteCount, alpha: alpha, seed: seed)
        }
        try plan.check(against: data)
        let study = plan.study
        let (studyData, rootData) = study.needsRootData ? data.settingAsideRootData(seed: seed) : (data, nil)
        let loaded = clock.now
        let printer = basePrinter.with(rounds: study.rounds)
        printer.header(plan: plan, data: data)
        StudyWarnings.check(study).forEach(printer.warn)

        var report: RunReport
        var model: SavedModel?
        switch study.mode {
        case .federated:
            var simulation = try study.simulation(
                sites: studyData.sites, rootData: rootData,
                centralEvaluation: plan.centralTests(for: studyData), attack: plan.attackPlan)
            let trainingPlan = try study.trainingPlan()
            if let writePlan {
                do { try trainingPlan.fileContents.write(toFile: writePlan, atomically: true, encoding: .utf8) } catch {
                    throw CohortError("cannot write the plan to \(writePlan): \(error.localizedDescription)")
                }
                printer.note("wrote the training plan to \(writePlan) (plan hash \(trainingPlan.planHash))")
            }
            let compliance = try ComplianceSetup(
                plan: trainingPlan, auditDirectory: auditDirectory, sitePolicy: sitePolicy,
                stewardKey: stewardKey, data: studyData)
            compliance.studyCreated()
            simulation.transportWrapper = compliance.transportWrapper
            let (budgets, ledgerFolder) = try plan.privacy.makeBudgets(for: studyData.sites.map { SiteID($0.name) }, directory: ledgerDirectory)
            simulation.privacyGuards = budgets.mapValues { $0 as any PrivacyGuard }
            let auditor = compliance.coordinator
            if let auditor { simulation.coordinatorTrailHead = { auditor.head } }
            let outcome = try await simulation.run { event in
                printer.show(event)
                auditor?.observe(event)
            }
            do { try auditor?.checkHealthy() } catch { throw CohortError("the coordinator's audit trail failed: \(error)") }
            try StudyVerdict.requireAcceptedRound(outcome)
            guard let evaluation = outcome.finalEvaluation else { throw CohortError("the study produced no evaluation") }
            let summary = RunReport.EvaluationSummary(evaluation)
            report = plan.report(
                rounds: outcome.rounds.map(RunReport.RoundSummary.init),
                final: RunReport.FinalSummary(summary, parameters: outcome.finalParameters))
            report.final.backdoorSuccessRate = evaluation.central[StudyData.backdoorTestName]?.accuracy
            report.privacy = try await plan.privacy.summary(budgets: budgets, folder: ledgerFolder)
            let spent = Dictionary(report.privacy?.sites.map { ($0.name, $0.epsilon) } ?? [], uniquingKeysWith: max)
            model = SavedModel(
                study: study, runtime: .simulation, data: plan.provenance(alpha: alpha), sites: studyData.sites.map(\.name),
                parameters: outcome.finalParameters,
                privacy: .init(study: study, siteEpsilon: spent, centralEpsilon: report.privacy?.centralEpsilon))
        case .local:
            let results = try Baselines.local(study.model, sites: data.sites, plan: plan.baselinePlan)
            let models = results.map { result in
                let sites = result.reports.map { RunReport.SiteSummary(name: $0.site.name, metrics: $0.metrics) }
                return RunReport.LocalModelSummary(
                    trainedAt: result.trainedAt,
                    averageClientAccuracy: sites.map(\.accuracy).reduce(0, +) / Double(sites.count),
                    sites: sites)
            }
            // Each site keeps the model it trained alone: its own test is its result.
            let own = models.map { model in model.sites.first { $0.name == model.trainedAt }! }
            report = plan.report(rounds: [], final: RunReport.FinalSummary(.init(sites: own, pooledTestAccuracy: nil), parameters: []))
            report.localModels = models
        case .pooled:
            let result = try Baselines.pooled(study.model, sites: data.pooledSites, plan: plan.baselinePlan)
            let sites = result.reports.map { RunReport.SiteSummary(name: $0.site.name, metrics: $0.metrics) }
            let pooled = data.centralTests[StudyData.pooledTestName].map { result.model.evaluate(on: $0).accuracy }
            report = plan.report(
                rounds: [],
                final: RunReport.FinalSummary(
                    .init(sites: sites, pooledTestAccuracy: pooled),
                    parameters: result.model.parameters))
        }
        let end = clock.now
        report.timings = RunReport.Timings(
            totalSeconds: (end - start).inSeconds, loadSeconds: (loaded - start).inSeconds,
            trainingSeconds: (end - loaded).inSeconds)
        return (report, model)
    }
}

extension BenchmarkDataset: ExpressibleByArgument {}
